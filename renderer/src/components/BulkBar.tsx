import { useId, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { formatCount } from '../lib/format';
import { TRIAGE_ACTIONS } from '../lib/shortcuts';
import { useStore } from '../store';
import { positionsOf } from '../store/incidents-slice';
import { IncidentDialog } from './ShortcutHelp';

/** Where the last assignee typed is remembered: most analysts assign to the same few names. */
const LAST_ASSIGNEE_KEY = 'vigil.lastAssignee';

function lastAssignee(): string {
  try {
    return localStorage.getItem(LAST_ASSIGNEE_KEY) ?? '';
  } catch {
    return '';
  }
}

/** The actions on the ticked incidents; shown only while some are ticked. */
export function BulkBar({ onAssign }: { onAssign: () => void }) {
  const s = useStore(
    useShallow((state) => ({
      count: state.checked.size,
      busy: state.triageBusy,
      triageStatus: state.triageStatus,
      setAllChecked: state.setAllChecked,
    })),
  );
  if (s.count === 0) return null;
  return (
    <div
      className="bulk-bar"
      role="toolbar"
      aria-label="Bulk actions on the ticked incidents"
      data-testid="bulk-bar"
    >
      <span className="bulk-count" data-testid="bulk-count">
        {formatCount(s.count)} ticked
      </span>
      {TRIAGE_ACTIONS.map((action) => (
        <button
          key={action.status}
          type="button"
          className={`btn btn-small${action.status === 'acknowledged' ? ' btn-primary' : ''}`}
          disabled={s.busy}
          onClick={() => void s.triageStatus(action.status)}
          aria-keyshortcuts={action.key}
          data-testid={`bulk-${action.testId}`}
        >
          {action.label}
        </button>
      ))}
      <button
        type="button"
        className="btn btn-small"
        disabled={s.busy}
        onClick={onAssign}
        aria-keyshortcuts="s"
        data-testid="bulk-assign"
      >
        Assign…
      </button>
      <button
        type="button"
        className="btn btn-small btn-ghost"
        onClick={() => {
          s.setAllChecked(false);
        }}
        data-testid="bulk-clear"
      >
        Clear selection
      </button>
    </div>
  );
}

/** What the last triage action came to: how many changed, were already so, or failed and why. */
export function TriageResultLine() {
  const { result, busy, dismiss } = useStore(
    useShallow((state) => ({
      result: state.triageResult,
      busy: state.triageBusy,
      dismiss: state.dismissTriageResult,
    })),
  );
  if (!result && !busy) return null;
  const failed = result?.failed ?? [];
  const tone = result?.error || failed.length > 0 ? 'triage-result-error' : '';
  return (
    <div className={`triage-result ${tone}`} role="status" data-testid="triage-result">
      {busy && !result ? (
        <span className="muted">Saving…</span>
      ) : result?.error ? (
        <span>
          <strong>{result.action}: not done.</strong> {result.error}
        </span>
      ) : result ? (
        <span>
          <strong>{result.action}</strong>
          {': '}
          <span data-testid="triage-updated">{formatCount(result.updated.length)} changed</span>
          {result.unchanged.length > 0 && ` · ${formatCount(result.unchanged.length)} already so`}
          {failed.length > 0 && ` · ${formatCount(failed.length)} failed (still ticked)`}
          {busy && ' · working…'}
        </span>
      ) : null}
      {failed.length > 0 && (
        <ul className="triage-failures">
          {failed.slice(0, 5).map((f) => (
            <li key={f.id}>
              <span className="mono">{f.id}</span>: {f.message}
            </li>
          ))}
          {failed.length > 5 && <li className="muted">and {formatCount(failed.length - 5)} more</li>}
        </ul>
      )}
      {result && !busy && (
        <button type="button" className="btn btn-icon triage-dismiss" aria-label="Dismiss" onClick={dismiss}>
          ×
        </button>
      )}
    </div>
  );
}

/** Assigns the ticked incidents (or the current one) to a name, remembered for next time; or unassigns. */
export function AssignDialog({ onClose }: { onClose: () => void }) {
  const { targets, title, triageAssign } = useStore(
    useShallow((state) => {
      const at = state.selectedId === null ? undefined : positionsOf(state.items).get(state.selectedId);
      const current = at === undefined ? undefined : state.items[at];
      return {
        targets: state.checked.size > 0 ? state.checked.size : state.selectedId ? 1 : 0,
        title: state.checked.size > 0 ? null : (current?.title ?? state.selectedId),
        triageAssign: state.triageAssign,
      };
    }),
  );
  const [name, setName] = useState(lastAssignee);
  const [error, setError] = useState('');
  const id = useId();
  const nameRef = useRef<HTMLInputElement>(null);

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const assignee = name.trim();
    if (!assignee) {
      setError('Type the analyst’s name, or choose Unassign.');
      return;
    }
    try {
      localStorage.setItem(LAST_ASSIGNEE_KEY, assignee);
    } catch {
      // A browser without storage still assigns; it only forgets the name.
    }
    onClose();
    void triageAssign(assignee);
  };

  return (
    <IncidentDialog title="Assign" onClose={onClose} testId="assign-dialog" initialFocus={nameRef}>
      <form className="inc-dialog-body" onSubmit={submit} noValidate>
        <p className="muted">
          {targets > 1 || title === null
            ? `${formatCount(targets)} ticked incident${targets === 1 ? '' : 's'}`
            : title}
        </p>
        <div className="field">
          <label className="field-label" htmlFor={id}>
            Assignee
          </label>
          <input
            ref={nameRef}
            id={id}
            className="input"
            value={name}
            maxLength={120}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setError('');
            }}
            data-testid="assign-name"
          />
          {error && (
            <span id={`${id}-error`} className="form-error small">
              {error}
            </span>
          )}
        </div>
        <div className="inc-dialog-actions">
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              onClose();
              void triageAssign(null);
            }}
            data-testid="assign-clear"
          >
            Unassign
          </button>
          <div className="toolbar-spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={targets === 0}
            data-testid="assign-submit"
          >
            Assign
          </button>
        </div>
      </form>
    </IncidentDialog>
  );
}
