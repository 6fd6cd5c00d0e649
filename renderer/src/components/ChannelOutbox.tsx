import { useState } from 'react';

import type { MethodResponse, OutboxEntryView } from '../../../shared/ipc/contract';
import { formatAbsolute } from '../lib/format';
import { call, messageOf } from '../transport';
import { ErrorNotice } from './ErrorNotice';
import { TimeAgo } from './TimeAgo';
import { useChannelRead } from './useChannelRead';

type Outbox = MethodResponse<'channels.outbox'>;

const LIMIT = 50;

const STATE_LABEL: Record<OutboxEntryView['state'], string> = {
  pending: 'pending',
  sending: 'sending',
  sent: 'sent',
  dead: 'dead',
  held: 'held',
};

const PURPOSE_LABEL: Record<OutboxEntryView['purpose'], string> = {
  incident: 'new incident',
  update: 'update',
  test: 'test',
};

const readOutbox = (id: string): Promise<Outbox> => call('channels.outbox', { id, limit: LIMIT });

/**
 * A channel's recent outbox entries (what waits, what failed and why, what
 * was parked as dead) and its delivery log. Reads again whenever the core
 * reports a change on this channel.
 */
export function ChannelOutbox({ channelId }: { channelId: string }) {
  const { data: outbox, error, reload: load } = useChannelRead(channelId, readOutbox);
  const [retrying, setRetrying] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const retry = async (entry: OutboxEntryView): Promise<void> => {
    setRetrying(entry.id);
    setNotice(null);
    try {
      const { retried } = await call('channels.retry', { outboxId: entry.id });
      setNotice(
        retried
          ? `Entry ${String(entry.id)} is queued again.`
          : `Entry ${String(entry.id)} was not dead any more; nothing to retry.`,
      );
    } catch (e) {
      setNotice(`Retry failed: ${messageOf(e)}`);
    } finally {
      setRetrying(null);
      load();
    }
  };

  return (
    <div className="channel-outbox" data-testid="outbox">
      {error && <ErrorNotice title="Could not read the outbox" message={error} onRetry={load} />}
      <p className="sources-sr-only" role="status" aria-live="polite">
        {notice ?? ''}
      </p>
      {notice && <p className="small muted">{notice}</p>}

      <div className="channel-outbox-head">
        <h3 className="section-title">Queue</h3>
        <div className="toolbar-spacer" />
        <button type="button" className="btn btn-small btn-ghost" onClick={load} data-testid="outbox-refresh">
          Refresh
        </button>
      </div>
      {outbox && outbox.entries.length === 0 && (
        <p className="muted" data-testid="outbox-empty">
          Nothing queued or sent yet. Incidents at or above the channel’s minimum severity land here first.
        </p>
      )}
      {!outbox && !error && <p className="muted">Loading…</p>}
      {outbox && outbox.entries.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact channel-outbox-table">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Incident</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Tries
                </th>
                <th scope="col">Next / sent</th>
                <th scope="col">Error</th>
                <th scope="col">
                  <span className="sources-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {outbox.entries.map((entry) => (
                <tr key={entry.id} data-testid="outbox-entry" data-id={entry.id} data-state={entry.state}>
                  <td className="mono small">
                    <TimeAgo iso={entry.createdAt} />
                  </td>
                  <td>
                    <div className="channel-outbox-title">
                      {entry.incidentTitle ?? entry.incidentId ?? '—'}
                    </div>
                    <div className="muted small">
                      {PURPOSE_LABEL[entry.purpose]}
                      {entry.reason ? ` · ${entry.reason}` : ''}
                    </div>
                  </td>
                  <td>
                    <span
                      className={`outbox-state outbox-state-${entry.state}`}
                      data-testid="outbox-state"
                      data-state={entry.state}
                    >
                      {STATE_LABEL[entry.state]}
                    </span>
                  </td>
                  <td className="num mono">{entry.attempts}</td>
                  <td className="mono small">
                    {entry.state === 'sent'
                      ? formatAbsolute(entry.sentAt)
                      : entry.state === 'dead'
                        ? '—'
                        : formatAbsolute(entry.nextAttemptAt)}
                  </td>
                  <td className="cell-error small" data-testid="outbox-error">
                    {entry.lastError ?? ''}
                  </td>
                  <td>
                    {entry.state === 'dead' && (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={retrying !== null}
                        aria-label={`Retry entry ${String(entry.id)}`}
                        onClick={() => void retry(entry)}
                        data-testid="outbox-retry"
                      >
                        {retrying === entry.id ? 'Retrying…' : 'Retry'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3 className="section-title">Delivery log</h3>
      {outbox && outbox.deliveries.length === 0 && <p className="muted">No delivery attempts yet.</p>}
      {outbox && outbox.deliveries.length > 0 && (
        <ol className="channel-deliveries" data-testid="outbox-deliveries">
          {outbox.deliveries.map((delivery, index) => (
            <li
              key={`${delivery.at}-${String(delivery.outboxId)}-${String(index)}`}
              className={delivery.ok ? 'delivery-ok' : 'delivery-failed'}
              data-testid="outbox-delivery"
              data-ok={delivery.ok ? 'true' : 'false'}
            >
              <span className="delivery-mark" aria-hidden="true">
                {delivery.ok ? '✓' : '✕'}
              </span>
              <time className="mono small" dateTime={delivery.at}>
                {formatAbsolute(delivery.at)}
              </time>
              <span className="sources-sr-only">{delivery.ok ? 'delivered:' : 'failed:'}</span>
              <span className="delivery-detail">{delivery.detail}</span>
              <span className="mono muted small">#{delivery.outboxId}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
