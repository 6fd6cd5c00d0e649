import { formatAbsolute } from '../lib/format';

interface ResultRowProps {
  /** The row's item id. */
  id: string;
  /** Columns of the table, which the line spans. */
  columns: number;
  /** "source" or "channel": the test ids are `${prefix}-result` and `${prefix}-result-text`. */
  testIdPrefix: string;
  /** What the row is waiting for ("Polling…"), or null when nothing is under way. */
  pending: string | null;
  /** The last answer, if any. */
  result: { ok: boolean; at: number } | undefined;
  /** The answer as one sentence. */
  text: string;
  /** Extra data attributes of the answer, for tests. */
  data?: Record<`data-${string}`, string | number | undefined>;
  onDismiss: () => void;
}

/** The line under a list row with what its last test (or poll) said, or that one is under way. */
export function ResultRow({
  id,
  columns,
  testIdPrefix,
  pending,
  result,
  text,
  data,
  onDismiss,
}: ResultRowProps) {
  if (!result && pending === null) return null;
  return (
    <tr className="source-result-row" data-id={id}>
      <td colSpan={columns}>
        {pending !== null ? (
          <div
            className="source-result source-result-pending"
            data-testid={`${testIdPrefix}-result`}
            data-id={id}
            data-state="pending"
          >
            {pending}
          </div>
        ) : (
          result && (
            <div
              className={`source-result ${result.ok ? 'source-result-ok' : 'source-result-error'}`}
              data-testid={`${testIdPrefix}-result`}
              data-id={id}
              data-state={result.ok ? 'ok' : 'error'}
              {...data}
            >
              <span className="source-result-mark" aria-hidden="true">
                {result.ok ? '✓' : '✕'}
              </span>
              <span className="source-result-text" data-testid={`${testIdPrefix}-result-text`}>
                {text}
              </span>
              <time className="muted small" dateTime={new Date(result.at).toISOString()}>
                {formatAbsolute(new Date(result.at).toISOString())}
              </time>
              <button
                type="button"
                className="btn btn-icon btn-small"
                aria-label="Dismiss result"
                onClick={onDismiss}
              >
                ×
              </button>
            </div>
          )
        )}
      </td>
    </tr>
  );
}
