import type { Status, TimelineEntry, Via } from '../../../shared/domain';
import { STATUSES } from '../../../shared/domain';
import { STATUS_LABEL, formatAbsolute, showHidden } from '../lib/format';

/** Through what, in the words an analyst uses. */
export const VIA_LABEL: Record<Via, string> = {
  ui: 'console',
  api: 'API',
  webhook: 'webhook',
  poller: 'poller',
  telegram: 'Telegram',
  rule: 'rule',
  system: 'system',
};

/** 12×12 strokes, drawn here so the console needs no icon font (the CSP allows none). */
const VIA_PATH: Record<Via, string> = {
  ui: 'M1.5 2.5h9v6h-9zM4 10.5h4',
  api: 'M4 2 2 6l2 4M8 2l2 4-2 4',
  webhook: 'M6 1.5v5.5a2.5 2.5 0 1 1-2.5-2.5M6 7l3.5 3',
  poller: 'M10 6a4 4 0 1 1-1.2-2.85M10 1.5v2.5H7.5',
  telegram: 'M1.5 5.5 10.5 2 8.5 10.5 5.5 7.5zM5.5 7.5 10.5 2',
  rule: 'M1.5 2h9L7 6.5V10L5 9V6.5z',
  system: 'M6 4a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM6 1v1.5M6 9.5V11M1 6h1.5M9.5 6H11',
};

export function ViaIcon({ via }: { via: Via }) {
  return (
    <svg className="via-icon" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false">
      <path d={VIA_PATH[via]} />
    </svg>
  );
}

const ACTION_LABEL: Record<string, string> = {
  created: 'created the incident',
  status_changed: 'changed the status',
  assigned: 'assigned the incident',
  unassigned: 'removed the assignee',
  severity_raised: 'raised the severity',
  silenced: 'silenced notifications',
  written_back: 'wrote the decision back',
  write_back_failed: 'could not write the decision back',
};

export function actionLabel(action: string): string {
  return ACTION_LABEL[action] ?? action.replace(/_/g, ' ');
}

function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}

/** "new -> acknowledged: note" as "New → Acknowledged: note" (an assignee change likewise); anything else as written. */
export function detailLabel(action: string, detail: string): string {
  if (action === 'assigned') return detail.replace(' -> ', ' → ');
  if (action !== 'status_changed') return detail;
  const match = /^(\w+) -> (\w+)(: [\s\S]*)?$/.exec(detail);
  if (!match) return detail;
  const [, from = '', to = '', note = ''] = match;
  if (!isStatus(from) || !isStatus(to)) return detail;
  return `${STATUS_LABEL[from]} → ${STATUS_LABEL[to]}${note}`;
}

/** Who did what, through what, oldest first (the order it happened). */
export function IncidentTimeline({ entries }: { entries: readonly TimelineEntry[] }) {
  if (entries.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <ol className="timeline" data-testid="detail-timeline">
      {entries.map((entry) => (
        <li
          key={entry.id}
          className={`timeline-entry timeline-${entry.action}`}
          data-testid="timeline-entry"
          data-action={entry.action}
          data-via={entry.via}
        >
          <time className="mono timeline-at" dateTime={entry.at} title={entry.at}>
            {formatAbsolute(entry.at)}
          </time>
          <div className="timeline-body">
            <div className="timeline-line">
              <span className="timeline-actor">{entry.actor}</span>{' '}
              <span className="timeline-action">{actionLabel(entry.action)}</span>{' '}
              <span className={`via via-${entry.via}`} title={`through ${VIA_LABEL[entry.via]}`}>
                <ViaIcon via={entry.via} />
                <span className="sr-only">through </span>
                {VIA_LABEL[entry.via]}
              </span>
            </div>
            {entry.detail && (
              <div className="timeline-detail">{showHidden(detailLabel(entry.action, entry.detail))}</div>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
