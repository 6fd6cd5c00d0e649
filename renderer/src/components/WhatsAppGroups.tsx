import { useState } from 'react';

import type { MethodResponse } from '../../../shared/ipc/contract';

export type WhatsAppGroup = MethodResponse<'whatsapp.groups'>[number];

interface Props {
  groups: WhatsAppGroup[] | null;
  loading: boolean;
  error: string | null;
  /** The channel's current target (a phone or a group id). */
  target: string | null;
  saving: boolean;
  onRefresh: () => void;
  onUse: (group: WhatsAppGroup) => void;
}

/** The linked phone's groups; picking one makes it where the channel's alerts go. */
export function WhatsAppGroups({ groups, loading, error, target, saving, onRefresh, onUse }: Props) {
  const [picked, setPicked] = useState<string | null>(null);
  const choice = picked ?? target;
  const chosen = groups?.find((g) => g.id === choice) ?? null;

  return (
    <section className="card wa-groups-card" aria-labelledby="wa-groups-title">
      <div className="wa-card-head">
        <h2 className="card-title" id="wa-groups-title">
          Send alerts to a group
        </h2>
        <div className="toolbar-spacer" />
        <button
          type="button"
          className="btn btn-small"
          onClick={onRefresh}
          disabled={loading}
          data-testid="wa-groups-refresh"
        >
          {loading ? 'Fetching…' : 'Refresh from WhatsApp'}
        </button>
      </div>
      {error && <p className="form-error">{error}</p>}
      {groups && groups.length === 0 && (
        <p className="muted">
          This phone is in no group yet (or the gateway has not fetched them): add it to the group that should
          receive alerts, then Refresh.
        </p>
      )}
      {groups && groups.length > 0 && (
        <fieldset className="wa-group-list" data-testid="wa-groups">
          <legend className="wa-sr-only">Groups</legend>
          {groups.map((group) => (
            <label key={group.id} className="wa-group" data-testid="wa-group-option" data-id={group.id}>
              <input
                type="radio"
                name="wa-group"
                value={group.id}
                checked={choice === group.id}
                onChange={() => {
                  setPicked(group.id);
                }}
              />
              <span className="wa-group-name">{group.name}</span>
              <span className="muted small">
                {group.participants === null ? '' : `${String(group.participants)} members`}
              </span>
              {group.id === target && <span className="tag wa-tag">current target</span>}
            </label>
          ))}
        </fieldset>
      )}
      <div className="card-actions">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="wa-use-group"
          disabled={!chosen || chosen.id === target || saving}
          onClick={() => {
            if (chosen) onUse(chosen);
          }}
        >
          {saving
            ? 'Saving…'
            : !chosen
              ? 'Send alerts to this group'
              : chosen.id === target
                ? `Alerts go to “${chosen.name}”`
                : `Send alerts to “${chosen.name}”`}
        </button>
      </div>
    </section>
  );
}
