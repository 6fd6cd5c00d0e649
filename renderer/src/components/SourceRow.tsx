import type { SourceHealth } from '../../../shared/domain';
import type { SourceView } from '../../../shared/ipc/contract';
import { formatAbsolute, formatCount } from '../lib/format';
import type { SourceAction, SourceActionResult } from '../store/sources-slice';
import { ResultRow } from './ResultLine';
import { RowActions } from './RowActions';
import { KIND_LABEL, POLLED_KINDS } from './SourceForm';
import { TimeAgo } from './TimeAgo';

/** Columns of the sources table, for the result line that spans them. */
export const SOURCE_COLUMNS = 10;

interface SourceRowProps {
  source: SourceView;
  /** The enabled toggle is on its way to the core. */
  toggling: boolean;
  running: SourceAction | undefined;
  result: SourceActionResult | undefined;
  onToggle: (id: string, enabled: boolean) => Promise<void>;
  onEdit: (source: SourceView, opener: HTMLElement) => void;
  onTest: (id: string) => Promise<void>;
  onPoll: (id: string) => Promise<void>;
  onRemove: (id: string) => Promise<boolean>;
  onDismissResult: (id: string) => void;
}

/** One source: its health, its settings at a glance, and what an analyst can do with it. */
export function SourceRow({
  source,
  toggling,
  running,
  result,
  onToggle,
  onEdit,
  onTest,
  onPoll,
  onRemove,
  onDismissResult,
}: SourceRowProps) {
  const { health } = source;
  const polled = POLLED_KINDS.has(source.kind);
  const busy = running !== undefined;

  const notPolled = `${KIND_LABEL[source.kind]} sources are not polled`;

  return (
    <>
      <tr data-testid="source-row" data-id={source.id} data-kind={source.kind}>
        <td>
          <div>{source.name}</div>
          <div className="mono muted small">{source.id}</div>
        </td>
        <td>{KIND_LABEL[source.kind]}</td>
        <td>
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={source.enabled}
              disabled={toggling}
              onChange={(e) => void onToggle(source.id, e.target.checked)}
              aria-label={`${source.enabled ? 'Disable' : 'Enable'} ${source.name}`}
            />
            <span className="switch-track" aria-hidden="true" />
          </label>
        </td>
        <td>
          <span
            className={`health health-${health.state}`}
            title={health.lastError ? `Last error: ${health.lastError}` : undefined}
            data-testid="source-health"
          >
            <span className="health-dot" aria-hidden="true" />
            {health.state}
          </span>
        </td>
        <td>
          <TimeAgo iso={health.lastSuccess} />
        </td>
        <td className="cell-error">
          <LastError health={health} />
        </td>
        <td className={`num mono${health.consecutiveFailures > 0 ? ' text-danger' : ''}`}>
          {health.consecutiveFailures}
        </td>
        <td className="mono" title={formatAbsolute(health.nextRun)}>
          {health.nextRun ? formatAbsolute(health.nextRun) : '—'}
        </td>
        <td className="num mono">{formatCount(health.eventsTotal)}</td>
        <td className="source-actions-cell">
          <RowActions
            name={source.name}
            testIdPrefix="source"
            confirmText="Remove? Its incidents stay."
            running={running}
            onRemove={() => onRemove(source.id)}
          >
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Edit ${source.name}`}
              onClick={(e) => {
                onEdit(source, e.currentTarget);
              }}
              data-testid="source-edit"
            >
              Edit
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Test connection of ${source.name}`}
              title={polled ? undefined : `${KIND_LABEL[source.kind]} sources need no connection`}
              disabled={busy || !polled}
              onClick={() => void onTest(source.id)}
              data-testid="source-test"
            >
              {running === 'test' ? 'Testing…' : 'Test connection'}
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Poll ${source.name} now`}
              title={polled ? (source.enabled ? undefined : 'Enable the source to poll it') : notPolled}
              disabled={busy || !polled || !source.enabled}
              onClick={() => void onPoll(source.id)}
              data-testid="source-poll"
            >
              {running === 'poll' ? 'Polling…' : 'Poll now'}
            </button>
          </RowActions>
        </td>
      </tr>
      <ResultRow
        id={source.id}
        columns={SOURCE_COLUMNS}
        testIdPrefix="source"
        pending={running === 'test' ? 'Testing connection…' : running === 'poll' ? 'Polling…' : null}
        result={result}
        text={result ? describeResult(result) : ''}
        data={
          result ? { 'data-action': result.action, 'data-events': result.events ?? undefined } : undefined
        }
        onDismiss={() => {
          onDismissResult(source.id);
        }}
      />
    </>
  );
}

/** The last error of a source, one line until opened: the whole message is one click or Enter away. */
function LastError({ health }: { health: SourceHealth }) {
  if (!health.lastError) return <span className="muted">—</span>;
  return (
    <details className="last-error" data-testid="source-last-error">
      <summary title={health.lastError}>
        <span className="last-error-text">{health.lastError}</span>
      </summary>
      {health.lastErrorAt && (
        <p className="muted small">
          at <time dateTime={health.lastErrorAt}>{formatAbsolute(health.lastErrorAt)}</time>
        </p>
      )}
    </details>
  );
}

/** The outcome of Test connection or Poll now, as one sentence an analyst can act on. */
export function describeResult(result: SourceActionResult): string {
  const parts: string[] = [];
  if (result.action === 'test') {
    parts.push(result.ok ? 'Connection OK' : 'Connection failed');
    if (result.message) parts.push(result.message);
    if (result.latencyMs !== null) parts.push(`${String(result.latencyMs)} ms`);
  } else {
    parts.push(result.ok ? 'Poll OK' : 'Poll failed');
    if (result.message) parts.push(result.message);
    // The poller's message usually states the count already; say it only when it does not.
    const events = result.events ?? 0;
    if (result.ok && !result.message.includes(String(events))) {
      parts.push(`${formatCount(events)} new event${events === 1 ? '' : 's'}`);
    }
  }
  return parts.join(' · ');
}
