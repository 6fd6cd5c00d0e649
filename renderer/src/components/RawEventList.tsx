import { useMemo } from 'react';

import type { RawEvent } from '../../../shared/domain';
import { formatAbsolute, prettyBody, showHidden } from '../lib/format';
import { CopyTextButton } from './CopyValue';

/** The raw events as received, newest first; each body collapsible and copyable as pretty-printed JSON. */
export function RawEventList({ events }: { events: readonly RawEvent[] }) {
  if (events.length === 0) {
    return (
      <p className="muted">
        No raw events are kept for this incident. Older ones are in the backup’s event day files (Settings →
        Backup).
      </p>
    );
  }
  return (
    <ul className="raw-events" data-testid="raw-events">
      {events.map((event) => (
        <RawEventItem key={event.id} event={event} />
      ))}
    </ul>
  );
}

function RawEventItem({ event }: { event: RawEvent }) {
  // Rendered while collapsed too, so the browser's find-in-page reaches (and opens) the body.
  const body = useMemo(() => prettyBody(event.body), [event.body]);
  return (
    <li className="raw-event" data-testid="raw-event" data-id={event.id}>
      <details>
        <summary data-testid="raw-event-toggle">
          <span className="mono">{formatAbsolute(event.receivedAt)}</span>
          <span className="muted">
            {event.sourceKind} · {event.route}
          </span>
          <span className="mono muted raw-id">{event.id}</span>
        </summary>
        <pre
          className="raw-body"
          data-testid="raw-event-body"
          tabIndex={0}
          aria-label={`Raw event ${event.id}`}
        >
          {showHidden(body)}
        </pre>
      </details>
      <div className="raw-event-copy">
        <CopyTextButton text={body} what={`raw event ${event.id}`} testId="raw-event-copy" />
      </div>
    </li>
  );
}
