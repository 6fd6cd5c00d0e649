import { useEffect } from 'react';

import { useLiveEvents } from '../hooks/use-live-events';
import { useStore } from '../store';
import type { ViewId } from '../store';
import { ChannelsView } from '../views/ChannelsView';
import { DashboardView } from '../views/DashboardView';
import { IncidentsView } from '../views/IncidentsView';
import { LogsView } from '../views/LogsView';
import { SettingsView } from '../views/SettingsView';
import { SourcesView } from '../views/SourcesView';
import { WhatsAppView } from '../views/WhatsAppView';
import { Header } from './Header';
import { Sidebar } from './Sidebar';

/** The signed-in, set-up application: navigation, header and the current view. */
export function Console() {
  useLiveEvents();
  const view = useStore((s) => s.view);

  useEffect(() => {
    void useStore.getState().loadSystemStatus();
  }, []);

  return (
    <div className="console">
      <Sidebar />
      <div className="console-main">
        <Header />
        <main className="view-host" id="main">
          <CurrentView view={view} />
        </main>
      </div>
    </div>
  );
}

function CurrentView({ view }: { view: ViewId }) {
  switch (view) {
    case 'incidents':
      return <IncidentsView />;
    case 'dashboard':
      return <DashboardView />;
    case 'sources':
      return <SourcesView />;
    case 'settings':
      return <SettingsView />;
    case 'channels':
      return <ChannelsView />;
    case 'whatsapp':
      return <WhatsAppView />;
    case 'logs':
      return <LogsView />;
  }
}
