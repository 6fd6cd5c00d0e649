import { useCallback, useEffect, useState } from 'react';

import type { ChannelView } from '../../../shared/ipc/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { WhatsAppGatewayPanel, channelSetting } from '../components/WhatsAppGatewayPanel';
import { useStore } from '../store';
import { call, messageOf } from '../transport';
import '../styles/whatsapp.css';

type Load = 'loading' | 'ready' | 'error';

/** The WhatsApp view: link a gateway session by scanning its QR, and pick the group alerts go to. */
export function WhatsAppView() {
  const setView = useStore((s) => s.setView);
  const [channels, setChannels] = useState<ChannelView[]>([]);
  const [load, setLoad] = useState<Load>('loading');
  const [error, setError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const fetchChannels = useCallback(
    () =>
      call('channels.list', {}).then(
        (all) => {
          const whatsapp = all.filter((c) => c.kind === 'whatsapp');
          setChannels(whatsapp);
          // Gateway channels first: they are the ones with something to do here.
          setSelectedId((current) =>
            current && whatsapp.some((c) => c.id === current)
              ? current
              : ((whatsapp.find((c) => c.settings.provider !== 'cloud') ?? whatsapp[0])?.id ?? null),
          );
          setError(null);
          setLoad('ready');
        },
        (cause: unknown) => {
          setError(messageOf(cause));
          setLoad('error');
        },
      ),
    [],
  );

  useEffect(() => {
    void fetchChannels();
  }, [fetchChannels]);

  const channel = channels.find((c) => c.id === selectedId) ?? null;
  const gateway = channel !== null && channelSetting(channel, 'provider') !== 'cloud';

  return (
    <section className="view" aria-labelledby="view-title">
      <div className="view-toolbar">
        <h1 id="view-title" className="view-title" data-testid="view-title">
          WhatsApp
        </h1>
        {channels.length > 1 && (
          <label className="wa-channel-pick">
            <span className="muted">Channel</span>
            <select
              className="input wa-select"
              value={selectedId ?? ''}
              data-testid="wa-channel"
              onChange={(e) => {
                setSelectedId(e.target.value);
              }}
            >
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {channels.length === 1 && channel && <span className="view-subtitle">{channel.name}</span>}
      </div>
      <div className="view-body wa-body">
        <div className="wa-sr-only" role="status" aria-live="polite">
          {announcement}
        </div>
        {load === 'error' && (
          <ErrorNotice
            title="Could not load channels"
            message={error ?? 'Unknown error'}
            onRetry={() => {
              setLoad('loading');
              void fetchChannels();
            }}
          />
        )}
        {load === 'loading' && channels.length === 0 && <p className="muted">Loading…</p>}
        {load === 'ready' && channels.length === 0 && (
          <div className="placeholder" data-testid="wa-no-channel">
            <p className="empty-title">No WhatsApp channel yet.</p>
            <p>
              Add one in <strong>Channels</strong>: kind <em>WhatsApp</em>, provider <em>Gateway</em>, with
              the gateway’s URL (and its API key, if it has one). Then come back here to link a phone by
              scanning its QR code. For Meta’s Cloud API choose provider <em>Cloud API</em>: it needs no QR.
            </p>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                setView('channels');
              }}
            >
              Open Channels
            </button>
          </div>
        )}
        {channel && !gateway && (
          <div className="placeholder" data-testid="wa-cloud">
            <p className="empty-title">{channel.name} sends through Meta’s WhatsApp Cloud API.</p>
            <p>
              The Cloud API sends from your business phone number with an access token: there is no phone to
              link and no QR to scan. Its settings (phone number id, token, recipient) are in Channels.
            </p>
          </div>
        )}
        {channel && gateway && (
          <WhatsAppGatewayPanel
            key={channel.id}
            channel={channel}
            onSaved={(saved) => {
              setChannels((list) => list.map((c) => (c.id === saved.id ? saved : c)));
            }}
            onAnnounce={setAnnouncement}
          />
        )}
      </div>
    </section>
  );
}
