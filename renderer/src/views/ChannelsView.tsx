import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { ChannelView } from '../../../shared/ipc/contract';
import { ChannelChats } from '../components/ChannelChats';
import { ChannelDrawer } from '../components/ChannelDrawer';
import { ChannelForm } from '../components/ChannelForm';
import { ChannelOutbox } from '../components/ChannelOutbox';
import { ChannelRouting } from '../components/ChannelRouting';
import { ChannelRow, describeTestResult } from '../components/ChannelRow';
import type { ChannelPanel } from '../components/ChannelRow';
import { ErrorNotice } from '../components/ErrorNotice';
import { ListToolbar } from '../components/ListToolbar';
import { useStore } from '../store';
import '../styles/sources.css';
import '../styles/channels.css';

/** Which form is open: a new channel, or a snapshot of the one being edited (it may change underneath). */
type FormState = { mode: 'new' } | { mode: 'edit'; channel: ChannelView } | null;
type PanelState = { panel: ChannelPanel; id: string; name: string } | null;

export function ChannelsView() {
  const s = useStore(
    useShallow((state) => ({
      channels: state.channels,
      channelsState: state.channelsState,
      channelsError: state.channelsError,
      channelsBusy: state.channelsBusy,
      channelActionError: state.channelActionError,
      channelResults: state.channelResults,
      channelRunning: state.channelRunning,
      loadChannels: state.loadChannels,
      setChannelEnabled: state.setChannelEnabled,
      testChannel: state.testChannel,
      removeChannel: state.removeChannel,
      clearChannelResult: state.clearChannelResult,
    })),
  );
  const [form, setForm] = useState<FormState>(null);
  const [panel, setPanel] = useState<PanelState>(null);
  const [announcement, setAnnouncement] = useState('');
  const addRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLElement | null>(null);
  const overlayWasOpen = useRef(false);

  useEffect(() => {
    // Health (last delivery, queue counts) moves on its own; a visit deserves a fresh read.
    void useStore.getState().loadChannels();
  }, []);

  const overlayOpen = form !== null || panel !== null;
  useEffect(() => {
    if (overlayOpen) {
      overlayWasOpen.current = true;
      return;
    }
    if (!overlayWasOpen.current) return;
    overlayWasOpen.current = false;
    // Back to the button that opened the form or panel; if its row is gone, to "Add channel".
    const opener = openerRef.current;
    openerRef.current = null;
    (opener?.isConnected ? opener : addRef.current)?.focus();
  }, [overlayOpen]);

  const existingIds = useMemo(() => s.channels.map((channel) => channel.id), [s.channels]);

  const openForm = (next: FormState, opener: HTMLElement | null): void => {
    openerRef.current = opener;
    setForm(next);
  };

  const test = async (id: string): Promise<void> => {
    await s.testChannel(id);
    const result = useStore.getState().channelResults[id];
    const name = useStore.getState().channels.find((channel) => channel.id === id)?.name ?? id;
    if (result) setAnnouncement(`${name}: ${describeTestResult(result)}`);
  };

  const empty = s.channels.length === 0;

  return (
    <section className="view" aria-labelledby="view-title">
      <ListToolbar
        title="Channels"
        count={s.channels.length}
        refreshing={s.channelsState === 'loading'}
        onRefresh={() => void s.loadChannels()}
        addLabel="Add channel"
        addTestId="channel-add"
        addRef={addRef}
        onAdd={(opener) => {
          openForm({ mode: 'new' }, opener);
        }}
      />
      <div className="view-body channels">
        <div className="sources-sr-only" role="status" aria-live="polite">
          {announcement}
        </div>
        {s.channelsState === 'error' && (
          <ErrorNotice
            title="Could not load channels"
            message={s.channelsError ?? 'Unknown error'}
            onRetry={() => void s.loadChannels()}
          />
        )}
        {s.channelActionError && <ErrorNotice title="Channel not changed" message={s.channelActionError} />}

        {empty && s.channelsState === 'loading' && <p className="muted">Loading channels…</p>}
        {empty && s.channelsState === 'ready' && (
          <div className="placeholder" data-testid="channels-empty">
            <p className="empty-title">No notification channels yet.</p>
            <p className="muted">
              A channel is where Vigil tells people about incidents: a Telegram bot, a Teams or Mattermost
              channel, e-mail, WhatsApp or a desktop notification. Each has a minimum severity and masks host
              names, users and IPs unless you turn that off. Messages wait in an outbox and are retried until
              the channel takes them.
            </p>
            <div className="card-actions">
              <button
                type="button"
                className="btn btn-primary"
                onClick={(e) => {
                  openForm({ mode: 'new' }, e.currentTarget);
                }}
                data-testid="channels-empty-add"
              >
                Add channel
              </button>
            </div>
          </div>
        )}

        {!empty && (
          <div className="table-wrap sources-table-wrap">
            <table className="table sources-table channels-table" data-testid="channels-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">Min severity</th>
                  <th scope="col">Values</th>
                  <th scope="col">Health</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {s.channels.map((channel) => (
                  <ChannelRow
                    key={channel.id}
                    channel={channel}
                    toggling={s.channelsBusy.includes(channel.id)}
                    running={s.channelRunning[channel.id]}
                    result={s.channelResults[channel.id]}
                    onToggle={s.setChannelEnabled}
                    onEdit={(editing, opener) => {
                      openForm({ mode: 'edit', channel: editing }, opener);
                    }}
                    onOpenPanel={(opened, which, opener) => {
                      openerRef.current = opener;
                      setPanel({ panel: which, id: opened.id, name: opened.name });
                    }}
                    onTest={test}
                    onRemove={async (id) => {
                      const removed = await s.removeChannel(id);
                      if (removed) {
                        setAnnouncement(`${channel.name} removed`);
                        // The row and its buttons are gone; keep focus in the view.
                        addRef.current?.focus();
                      }
                      return removed;
                    }}
                    onDismissResult={s.clearChannelResult}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}

        <ChannelRouting />
      </div>

      {form && (
        <ChannelForm
          original={form.mode === 'edit' ? form.channel : null}
          existingIds={existingIds}
          onSaved={(saved) => {
            setAnnouncement(`${saved.name} saved`);
            setForm(null);
          }}
          onCancel={() => {
            setForm(null);
          }}
        />
      )}

      {panel && (
        <ChannelDrawer
          title={panel.panel === 'outbox' ? `Outbox · ${panel.name}` : `Telegram chats · ${panel.name}`}
          subtitle={panel.id}
          testId={panel.panel === 'outbox' ? 'channel-outbox-panel' : 'channel-chats-panel'}
          onClose={() => {
            setPanel(null);
          }}
        >
          {panel.panel === 'outbox' ? (
            <ChannelOutbox channelId={panel.id} />
          ) : (
            <ChannelChats channelId={panel.id} />
          )}
        </ChannelDrawer>
      )}
    </section>
  );
}
