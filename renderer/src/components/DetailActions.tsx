import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { Incident, SourceKind, Status, TimelineEntry } from '../../../shared/domain';
import { formatAbsolute } from '../lib/format';
import { useStore } from '../store';
import { call, messageOf } from '../transport';
import { ErrorNotice } from './ErrorNotice';

const ACTIONS: readonly { status: Status; label: string; testId: string; tone?: string }[] = [
  { status: 'acknowledged', label: 'Acknowledge', testId: 'action-acknowledge', tone: 'btn-primary' },
  { status: 'in_progress', label: 'In progress', testId: 'action-in-progress' },
  { status: 'resolved', label: 'Resolve', testId: 'action-resolve' },
  { status: 'false_positive', label: 'Close as false positive', testId: 'action-false-positive' },
];

/** Source kinds whose client writes decisions back (VendorClient.applyDecision). */
const WRITES_BACK: ReadonlySet<SourceKind> = new Set(['sentinelone', 'maxpatrol']);

export type WriteBackState =
  { state: 'ok' | 'failed'; entry: TimelineEntry } | { state: 'pending'; since: string } | null;

/**
 * What became of the last status change at the source: the write-back entry
 * that followed it, "pending" while none has (for kinds that write back),
 * or nothing to say.
 */
export function writeBackState(incident: Incident, timeline: readonly TimelineEntry[]): WriteBackState {
  let lastChange: TimelineEntry | null = null;
  let lastResult: TimelineEntry | null = null;
  for (const entry of timeline) {
    if (entry.action === 'status_changed') lastChange = entry;
    if (entry.action === 'written_back' || entry.action === 'write_back_failed') lastResult = entry;
  }
  if (lastResult && (!lastChange || lastResult.id > lastChange.id)) {
    return { state: lastResult.action === 'written_back' ? 'ok' : 'failed', entry: lastResult };
  }
  if (lastChange && WRITES_BACK.has(incident.source.kind)) return { state: 'pending', since: lastChange.at };
  return null;
}

/** Status buttons, the assignee, and what the source said about the last decision. */
export function DetailActions({
  incident,
  timeline,
}: {
  incident: Incident;
  timeline: readonly TimelineEntry[];
}) {
  const { statusBusy, statusError, setIncidentStatus } = useStore(
    useShallow((s) => ({
      statusBusy: s.statusBusy,
      statusError: s.statusError,
      setIncidentStatus: s.setIncidentStatus,
    })),
  );
  const writeBack = writeBackState(incident, timeline);

  return (
    <div className="detail-actions-block">
      <div className="detail-actions" role="group" aria-label="Set status">
        {ACTIONS.map((action) => (
          <button
            key={action.status}
            type="button"
            className={`btn btn-small ${action.tone ?? ''}`}
            disabled={statusBusy !== null || incident.status === action.status}
            onClick={() => void setIncidentStatus(action.status)}
            data-testid={action.testId}
          >
            {statusBusy === action.status ? 'Saving…' : action.label}
          </button>
        ))}
      </div>
      {statusError && <ErrorNotice title="Status not changed" message={statusError} />}
      {writeBack && <WriteBackResult result={writeBack} source={incident.source.name} />}
      {/* Keyed by the assignee too: a change from elsewhere (a bulk action, Telegram) resets the field. */}
      <AssignForm key={`${incident.id}:${incident.assignee ?? ''}`} incident={incident} />
    </div>
  );
}

function WriteBackResult({ result, source }: { result: NonNullable<WriteBackState>; source: string }) {
  if (result.state === 'pending') {
    return (
      <p
        className="writeback writeback-pending"
        data-testid="writeback-result"
        data-state="pending"
        role="status"
      >
        <span className="writeback-mark" aria-hidden="true">
          …
        </span>
        Waiting for {source} to confirm the last status change.
      </p>
    );
  }
  const ok = result.state === 'ok';
  return (
    <p
      className={`writeback writeback-${result.state}`}
      data-testid="writeback-result"
      data-state={result.state}
      role="status"
    >
      <span className="writeback-mark" aria-hidden="true">
        {ok ? '✓' : '✕'}
      </span>
      <span>
        {ok ? `Written back to ${source}: ` : `Write-back to ${source} failed: `}
        <span className="writeback-detail">{result.entry.detail ?? ''}</span>
        {!ok && <> The status is changed here only; set it in the source’s console too, or try again.</>}
        <time className="mono muted writeback-at" dateTime={result.entry.at}>
          {' '}
          {formatAbsolute(result.entry.at)}
        </time>
      </span>
    </p>
  );
}

/** Assigns the shown incident (only it, whatever rows are ticked in the list). */
function AssignForm({ incident }: { incident: Incident }) {
  const inputId = useId();
  const [value, setValue] = useState(incident.assignee ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const assign = (assignee: string | null) => {
    setBusy(true);
    setError(null);
    call('incidents.assign', { id: incident.id, assignee })
      .then((updated) => {
        setValue(updated.assignee ?? '');
        void useStore.getState().refreshDetail();
      })
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(false));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = value.trim();
    if (!name) {
      setError('Type a name to assign, or use Unassign.');
      return;
    }
    assign(name);
  };

  return (
    <form className="assign-form" onSubmit={submit} aria-label="Assignee">
      <label htmlFor={inputId} className="assign-label">
        Assignee
      </label>
      <input
        id={inputId}
        className="input input-small"
        value={value}
        maxLength={120}
        placeholder="Name or handle"
        autoComplete="off"
        onChange={(e) => setValue(e.target.value)}
        aria-invalid={error ? true : undefined}
        data-testid="assign-input"
      />
      <button
        type="submit"
        className="btn btn-small"
        disabled={busy || value.trim() === (incident.assignee ?? '')}
        data-testid="assign-submit"
      >
        {busy ? 'Saving…' : 'Assign'}
      </button>
      {incident.assignee && (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={busy}
          onClick={() => assign(null)}
          data-testid="assign-clear"
        >
          Unassign
        </button>
      )}
      {error && (
        <span className="form-error assign-error" role="alert" data-testid="assign-error">
          {error}
        </span>
      )}
    </form>
  );
}
