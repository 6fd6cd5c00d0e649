import { useEffect } from 'react';

import { useLiveEvents } from '../hooks/use-live-events';
import { useStore } from '../store';
import type { ViewId } from '../store';
import { DashboardView } from '../views/DashboardView';
import { IncidentsView } from '../views/IncidentsView';
import { PlaceholderView } from '../views/PlaceholderView';
import { SettingsView } from '../views/SettingsView';
import { SourcesView } from '../views/SourcesView';
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
      return (
        <PlaceholderView title="Channels">
          Telegram, Teams, Mattermost, e-mail, WhatsApp and desktop notifications will be configured here,
          each with a minimum severity, masking of sensitive values, a <em>Send test</em> button and its
          delivery health.
        </PlaceholderView>
      );
    case 'whatsapp':
      return (
        <PlaceholderView title="WhatsApp">
          Linking a WhatsApp account will happen here: scan the pairing QR code with the phone that should
          send alerts, pick the chats or groups that receive them, and watch the connection state. Until then,
          WhatsApp delivery is off.
        </PlaceholderView>
      );
    case 'logs':
      return (
        <PlaceholderView title="Logs">
          The core’s structured log will be browsable here: filter by level, service and source, follow new
          lines live, and export a range for a support ticket. Secrets are never written to it.
        </PlaceholderView>
      );
  }
}
