import { useCallback, useEffect, useMemo, useState } from 'react';

import type { ChannelView, WhatsAppSession } from '../../../shared/ipc/contract';
import { call, getTransport, messageOf } from '../transport';
import { ErrorNotice } from './ErrorNotice';
import type { WhatsAppGroup } from './WhatsAppGroups';
import { WhatsAppGroups } from './WhatsAppGroups';
import { WhatsAppQr } from './WhatsAppQr';
import { WhatsAppSessions, formatPhone, isLinked, statusLabel } from './WhatsAppSessions';

/**
 * How often the panel tells the core it is still watching a waiting session.
 * The core polls the gateway for two minutes after each look; the QR itself
 * arrives with whatsapp.status pushes.
 */
const WATCH_RENEW_MS = 60_000;

type Load = 'loading' | 'ready' | 'error';

/** A string setting of a channel, or null. */
export function channelSetting(channel: ChannelView | null, key: string): string | null {
  const value = channel?.settings[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

function upsertSession(list: WhatsAppSession[], session: WhatsAppSession): WhatsAppSession[] {
  const index = list.findIndex((s) => s.name === session.name);
  if (index < 0) return [...list, session];
  const next = [...list];
  next[index] = session;
  return next;
}

interface Props {
  channel: ChannelView;
  onSaved: (channel: ChannelView) => void;
  onAnnounce: (text: string) => void;
}

/** One gateway channel: its sessions, the pairing QR of the one shown, and the group picker once linked. */
export function WhatsAppGatewayPanel({ channel, onSaved, onAnnounce }: Props) {
  const channelId = channel.id;
  const configured = channelSetting(channel, 'session') ?? 'vigil';
  const target = channelSetting(channel, 'target');

  const [sessions, setSessions] = useState<WhatsAppSession[]>([]);
  const [sessionsLoad, setSessionsLoad] = useState<Load>('loading');
  const [sessionsError, setSessionsError] = useState<string | null>(null);
  const [active, setActive] = useState(configured);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [groups, setGroups] = useState<{ session: string; list: WhatsAppGroup[] } | null>(null);
  const [groupsError, setGroupsError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [saving, setSaving] = useState(false);

  const fetchSessions = useCallback(
    () =>
      call('whatsapp.sessions', { channelId }).then(
        (list) => {
          setSessions(list);
          setSessionsError(null);
          setSessionsLoad('ready');
        },
        (error: unknown) => {
          setSessionsError(messageOf(error));
          setSessionsLoad('error');
        },
      ),
    [channelId],
  );

  useEffect(() => {
    void fetchSessions();
  }, [fetchSessions]);

  // Status and QR changes arrive as pushes while the core polls the gateway.
  useEffect(
    () =>
      getTransport().api.on('whatsapp.status', (event) => {
        if (event.channelId === channelId) setSessions((list) => upsertSession(list, event.session));
      }),
    [channelId],
  );

  // The channel's own session is listed even before the gateway has it, so it can be connected.
  const rows = useMemo(
    () =>
      sessions.some((s) => s.name === configured) || sessionsLoad !== 'ready'
        ? sessions
        : [{ name: configured, status: 'not created', qr: null, phone: null }, ...sessions],
    [sessions, configured, sessionsLoad],
  );
  const shown = rows.find((s) => s.name === active) ?? null;
  const linked = shown !== null && isLinked(shown);
  // On its way to a QR or showing one, as opposed to idle, closed or not created.
  const waiting =
    shown !== null && !linked && (shown.qr !== null || /connect|qr|pair|scan|start|init/i.test(shown.status));

  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => {
      call('whatsapp.qr', { channelId, session: active }).then(
        (session) => {
          setSessions((list) => upsertSession(list, session));
        },
        () => {
          // The next push or renewal tries again; a failed Connect shows its own error.
        },
      );
    }, WATCH_RENEW_MS);
    return () => {
      clearInterval(timer);
    };
  }, [channelId, active, waiting]);

  const fetchGroups = useCallback(
    (session: string, refresh: boolean) =>
      call('whatsapp.groups', { channelId, session, refresh }).then(
        (list) => {
          setGroups({ session, list });
          setGroupsError(null);
        },
        (error: unknown) => {
          setGroupsError(messageOf(error));
        },
      ),
    [channelId],
  );

  useEffect(() => {
    if (linked) void fetchGroups(active, false);
  }, [linked, active, fetchGroups]);

  const shownGroups = groups?.session === active ? groups.list : null;
  const targetGroup = groups?.list.find((g) => g.id === target) ?? null;

  const connect = async (name: string) => {
    setBusy(name);
    setActive(name);
    setActionError(null);
    try {
      const session = await call('whatsapp.connect', { channelId, session: name });
      setSessions((list) => upsertSession(list, session));
    } catch (error) {
      setActionError(messageOf(error));
    } finally {
      setBusy(null);
    }
  };

  const refreshGroups = async () => {
    setRefreshing(true);
    await fetchGroups(active, true);
    setRefreshing(false);
  };

  /** Saves the channel with one setting changed; secrets are left out, which keeps them. */
  const saveSetting = async (key: 'target' | 'session', value: string, done: string) => {
    setSaving(true);
    setActionError(null);
    try {
      // The settings as stored now, not as this view loaded them: the Channels view may have changed them.
      const current = (await call('channels.list', {})).find((c) => c.id === channelId);
      if (!current) throw new Error('the channel was removed meanwhile');
      const saved = await call('channels.upsert', {
        channel: {
          ...current.settings,
          id: current.id,
          kind: current.kind,
          name: current.name,
          enabled: current.enabled,
          minSeverity: current.minSeverity,
          mask: current.mask,
          [key]: value,
        },
      });
      onSaved(saved);
      onAnnounce(done);
    } catch (error) {
      setActionError(messageOf(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="wa-layout">
      <div className="wa-main">
        <div className="wa-card-head">
          <h2 className="card-title">Sessions on the gateway</h2>
          <div className="toolbar-spacer" />
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => {
              setSessionsLoad('loading');
              void fetchSessions();
            }}
            disabled={sessionsLoad === 'loading'}
          >
            Refresh
          </button>
        </div>
        {sessionsError && (
          <ErrorNotice
            title="The WhatsApp gateway did not answer"
            message={sessionsError}
            onRetry={() => {
              setSessionsLoad('loading');
              void fetchSessions();
            }}
          />
        )}
        {actionError && <ErrorNotice title="Not done" message={actionError} />}
        {sessionsLoad === 'loading' && sessions.length === 0 && (
          <p className="muted">Asking the gateway for its sessions…</p>
        )}
        {sessionsLoad !== 'loading' || sessions.length > 0 ? (
          <WhatsAppSessions
            sessions={rows}
            configured={configured}
            active={active}
            busy={busy}
            onSelect={setActive}
            onConnect={(name) => void connect(name)}
            onUseForAlerts={(name) =>
              void saveSetting('session', name, `${channel.name} now sends from session ${name}`)
            }
          />
        ) : null}
        <p className="muted small">
          Alerts go to{' '}
          <span className="mono" data-testid="wa-target">
            {target ?? 'nobody yet'}
          </span>
          {targetGroup && <> ({targetGroup.name})</>} from session <span className="mono">{configured}</span>.
        </p>
        {linked && (
          <WhatsAppGroups
            key={active}
            groups={shownGroups}
            loading={refreshing || (shownGroups === null && groupsError === null)}
            error={groupsError}
            target={target}
            saving={saving}
            onRefresh={() => void refreshGroups()}
            onUse={(group) =>
              void saveSetting('target', group.id, `${channel.name} now sends alerts to ${group.name}`)
            }
          />
        )}
      </div>
      {shown && (
        <aside className="card wa-pairing" aria-labelledby="wa-pairing-title">
          <h2 className="card-title" id="wa-pairing-title">
            Session {shown.name}
          </h2>
          <p className={linked ? 'wa-status wa-status-ok' : 'wa-status'} data-testid="wa-status">
            {linked ? `Linked: ${formatPhone(shown.phone) || 'phone unknown'}` : statusLabel(shown)}
          </p>
          {!linked && shown.qr && (
            <>
              <WhatsAppQr value={shown.qr} label={`Pairing QR code for WhatsApp session ${shown.name}`} />
              <ol className="wa-steps">
                <li>Open WhatsApp on the phone that should send alerts.</li>
                <li>
                  Go to <strong>Settings › Linked devices › Link a device</strong>.
                </li>
                <li>Point the phone at this code. It changes every 20 s or so; this page follows.</li>
              </ol>
            </>
          )}
          {!linked && !shown.qr && (
            <p className="muted">
              {waiting
                ? 'Waiting for the gateway’s QR code…'
                : 'Press Connect to start this session; its QR code appears here.'}
            </p>
          )}
          {linked && (
            <p className="muted">
              This phone can send alerts. WhatsApp bans numbers that behave like bots: keep the recipients to
              people and groups who asked for them.
            </p>
          )}
        </aside>
      )}
    </div>
  );
}
