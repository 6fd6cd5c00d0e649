import { useState } from 'react';

import type { WhatsAppSession } from '../../../shared/ipc/contract';

/** Statuses gateways use for a linked session (the core reads them the same way). */
const OPEN = new Set(['open', 'connected', 'ready', 'authenticated', 'online', 'working']);

export function isLinked(session: Pick<WhatsAppSession, 'status'>): boolean {
  return OPEN.has(session.status.toLowerCase());
}

const LABELS: Record<string, string> = {
  qr: 'Waiting for scan',
  connecting: 'Connecting…',
  close: 'Not connected',
  closed: 'Not connected',
  logged_out: 'Logged out',
  'not created': 'Not created yet',
};

/** A gateway status in words. */
export function statusLabel(session: WhatsAppSession): string {
  if (isLinked(session)) return 'Linked';
  if (session.qr) return 'Waiting for scan';
  return LABELS[session.status.toLowerCase()] ?? session.status;
}

/** A phone as people write it: digits with the country code, after a plus. */
export function formatPhone(phone: string | null): string {
  return phone ? `+${phone.replace(/^\+/, '')}` : '';
}

function healthClass(session: WhatsAppSession): string {
  if (isLinked(session)) return 'health health-ok';
  if (session.qr || /connect/i.test(session.status)) return 'health health-starting';
  return 'health';
}

const NAME = /^[A-Za-z0-9_-]{1,100}$/;

interface Props {
  sessions: WhatsAppSession[];
  /** The session the channel sends from. */
  configured: string;
  active: string | null;
  /** The session a connect is under way for. */
  busy: string | null;
  onSelect: (name: string) => void;
  onConnect: (name: string) => void;
  onUseForAlerts: (name: string) => void;
}

/** The gateway's sessions with their status, Connect, and a form for a new one. */
export function WhatsAppSessions({
  sessions,
  configured,
  active,
  busy,
  onSelect,
  onConnect,
  onUseForAlerts,
}: Props) {
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);

  const create = () => {
    const trimmed = name.trim();
    if (!NAME.test(trimmed)) {
      setNameError('Use letters, digits, "-" and "_" (up to 100).');
      return;
    }
    setNameError(null);
    setName('');
    onConnect(trimmed);
  };

  return (
    <div className="wa-sessions">
      <div className="table-wrap">
        <table className="table table-compact" data-testid="wa-sessions">
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Status</th>
              <th scope="col">Phone</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr
                key={session.name}
                className={session.name === active ? 'wa-session-active' : undefined}
                data-testid="wa-session"
                data-session={session.name}
              >
                <td>
                  <button
                    type="button"
                    className="wa-link"
                    onClick={() => {
                      onSelect(session.name);
                    }}
                    aria-pressed={session.name === active}
                  >
                    {session.name}
                  </button>
                  {session.name === configured && <span className="tag wa-tag">sends alerts</span>}
                </td>
                <td>
                  <span className={healthClass(session)}>
                    <span className="health-dot" aria-hidden="true" />
                    {statusLabel(session)}
                  </span>
                </td>
                <td className="mono">{formatPhone(session.phone)}</td>
                <td>
                  <div className="wa-actions">
                    {!isLinked(session) && (
                      <button
                        type="button"
                        className="btn btn-small btn-primary"
                        data-testid="wa-connect"
                        data-session={session.name}
                        disabled={busy !== null}
                        onClick={() => {
                          onConnect(session.name);
                        }}
                      >
                        {busy === session.name ? 'Connecting…' : 'Connect'}
                      </button>
                    )}
                    {session.name !== configured && (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => {
                          onUseForAlerts(session.name);
                        }}
                      >
                        Send alerts from here
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        className="wa-new-session"
        onSubmit={(e) => {
          e.preventDefault();
          create();
        }}
      >
        <label className="field">
          <span className="field-label">New session</span>
          <input
            className="input"
            value={name}
            placeholder="e.g. soc-night"
            aria-invalid={nameError !== null}
            data-testid="wa-new-session-name"
            onChange={(e) => {
              setName(e.target.value);
            }}
          />
        </label>
        <button type="submit" className="btn" disabled={busy !== null} data-testid="wa-new-session">
          New session
        </button>
        {nameError && <span className="form-error">{nameError}</span>}
      </form>
    </div>
  );
}
