import { Console } from './components/Console';
import { ErrorNotice } from './components/ErrorNotice';
import { LoginScreen } from './components/LoginScreen';
import { SetupScreen } from './components/SetupScreen';
import { useSessionExpiry } from './hooks/use-live-events';
import { useStore } from './store';

export function App() {
  useSessionExpiry();
  const phase = useStore((s) => s.phase);

  switch (phase) {
    case 'starting':
      return <StartingScreen />;
    case 'unavailable':
      return <UnavailableScreen />;
    case 'login':
      return <LoginScreen />;
    case 'setup':
      return <SetupScreen />;
    case 'ready':
      return <Console />;
  }
}

function StartingScreen() {
  return (
    <div className="screen-center" aria-busy="true">
      <div className="brand brand-large">
        <span className="brand-mark" aria-hidden="true" />
        Vigil
      </div>
      <p className="muted">Connecting…</p>
    </div>
  );
}

function UnavailableScreen() {
  const bootError = useStore((s) => s.bootError);
  const boot = useStore((s) => s.boot);
  return (
    <div className="screen-center">
      <div className="screen-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Vigil
        </div>
        <ErrorNotice
          title="Cannot start the console"
          message={bootError ?? 'The Vigil core did not answer.'}
          onRetry={() => void boot()}
        />
      </div>
    </div>
  );
}
