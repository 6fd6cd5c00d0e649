import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import { useStore } from './store';
import { setTransport } from './transport';
import { createHttpTransport } from './transport/http';
import { createIpcTransport, electronApi } from './transport/ipc';
import './styles.css';

// Inside Electron the preload provides window.api; in a browser the headless shell's HTTP API stands in.
const bridge = electronApi();
setTransport(bridge ? createIpcTransport(bridge) : createHttpTransport());
void useStore.getState().boot();

const container = document.getElementById('root');
if (!container) throw new Error('Vigil: #root is missing from index.html');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
