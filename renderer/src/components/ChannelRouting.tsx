import { useEffect, useId, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { Silence } from '../../../shared/config';
import type { Severity } from '../../../shared/domain';
import { SEVERITIES } from '../../../shared/domain';
import { useNow } from '../hooks/use-now';
import { SEVERITY_LABEL, formatAbsolute } from '../lib/format';
import { useStore } from '../store';
import { splitList } from './ChannelForm';
import { ErrorNotice } from './ErrorNotice';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const DURATIONS: { minutes: number; label: string }[] = [
  { minutes: 15, label: '15 minutes' },
  { minutes: 30, label: '30 minutes' },
  { minutes: 60, label: '1 hour' },
  { minutes: 120, label: '2 hours' },
  { minutes: 240, label: '4 hours' },
  { minutes: 480, label: '8 hours' },
  { minutes: 1440, label: '1 day' },
  { minutes: 4320, label: '3 days' },
  { minutes: 10_080, label: '7 days' },
];

/** "in 59m", "in 3h 10m", "in 2d 4h": how long a silence still holds. */
export function formatRemaining(iso: string, now: number): string {
  const minutes = Math.ceil((Date.parse(iso) - now) / 60_000);
  if (!Number.isFinite(minutes)) return iso;
  if (minutes <= 0) return 'ending';
  if (minutes < 60) return `in ${String(minutes)}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${String(hours)}h${minutes % 60 ? ` ${String(minutes % 60)}m` : ''}`;
  return `in ${String(Math.floor(hours / 24))}d${hours % 24 ? ` ${String(hours % 24)}h` : ''}`;
}

/** A silence's or rule's match as one line: "high+ · sources s1 · hosts web-01". */
export function describeMatch(match: Silence['match']): string {
  const parts: string[] = [];
  if (match.minSeverity) parts.push(`${SEVERITY_LABEL[match.minSeverity]} and above`);
  if (match.sources.length > 0) parts.push(`sources ${match.sources.join(', ')}`);
  if (match.categories.length > 0) parts.push(`categories ${match.categories.join(', ')}`);
  if (match.hosts.length > 0) parts.push(`hosts ${match.hosts.join(', ')}`);
  if (match.titleContains) parts.push(`title contains “${match.titleContains}”`);
  return parts.length > 0 ? parts.join(' · ') : 'every incident';
}

function isMatch(value: unknown): value is Silence['match'] {
  if (!value || typeof value !== 'object') return false;
  const { sources, categories, hosts } = value as Record<string, unknown>;
  return Array.isArray(sources) && Array.isArray(categories) && Array.isArray(hosts);
}

/**
 * Routing on the Channels view: quiet hours (non-critical incidents wait for
 * them to end), routing rules at a glance, and silences that hold matching
 * incidents back from every channel for a while.
 */
export function ChannelRouting() {
  const s = useStore(
    useShallow((state) => ({
      routing: state.routing,
      routingState: state.routingState,
      routingError: state.routingError,
      loadRouting: state.loadRouting,
      timeZone: state.systemStatus?.timeZone ?? 'local',
    })),
  );

  useEffect(() => {
    void useStore.getState().loadRouting();
  }, []);

  return (
    <section className="card channel-routing" aria-labelledby="routing-title" data-testid="channels-routing">
      <h2 id="routing-title" className="card-title">
        Routing
      </h2>
      <p className="muted">
        Each channel gets incidents at or above its minimum severity. Quiet hours delay non-critical ones;
        silences hold matching incidents back from every channel until they end.
      </p>
      {s.routingState === 'error' && (
        <ErrorNotice
          title="Could not read the routing settings"
          message={s.routingError ?? 'Unknown error'}
          onRetry={() => void s.loadRouting()}
        />
      )}
      {!s.routing && s.routingState !== 'error' && <p className="muted">Loading…</p>}
      {s.routing && (
        <>
          <QuietHours quietHours={s.routing.quietHours} timeZone={s.timeZone} />
          <Silences silences={s.routing.silences} />
          <Rules rules={s.routing.rules} />
        </>
      )}
    </section>
  );
}

function QuietHours({
  quietHours,
  timeZone,
}: {
  quietHours: { start: string; end: string } | null;
  timeZone: string;
}) {
  const uid = useId();
  const saveQuietHours = useStore((state) => state.saveQuietHours);
  const [enabled, setEnabled] = useState(quietHours !== null);
  const [start, setStart] = useState(quietHours?.start ?? '22:00');
  const [end, setEnd] = useState(quietHours?.end ?? '07:00');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const changed =
    enabled !== (quietHours !== null) ||
    (enabled && (quietHours === null || start !== quietHours.start || end !== quietHours.end));

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setSaved(false);
    if (enabled && (!HHMM.test(start) || !HHMM.test(end))) {
      setError('use HH:MM for both times');
      return;
    }
    if (enabled && start === end) {
      setError('start and end are the same time');
      return;
    }
    setBusy(true);
    setError(null);
    void saveQuietHours(enabled ? { start, end } : null).then((message) => {
      setBusy(false);
      setError(message);
      setSaved(message === null);
    });
  };

  return (
    <form className="channel-quiet" onSubmit={submit} noValidate data-testid="quiet-hours">
      <h3 className="section-title">Quiet hours</h3>
      <div className="channel-quiet-row">
        <label className="check">
          <input
            type="checkbox"
            checked={enabled}
            disabled={busy}
            onChange={(e) => {
              setEnabled(e.target.checked);
              setSaved(false);
            }}
            aria-describedby={`${uid}-help`}
            data-testid="quiet-enabled"
          />
          <span>Hold non-critical notifications</span>
        </label>
        <label className="channel-inline-field">
          <span>from</span>
          <input
            type="time"
            className="input mono"
            value={start}
            disabled={!enabled || busy}
            aria-invalid={error && enabled ? true : undefined}
            onChange={(e) => {
              setStart(e.target.value);
              setSaved(false);
            }}
            data-testid="quiet-start"
          />
        </label>
        <label className="channel-inline-field">
          <span>to</span>
          <input
            type="time"
            className="input mono"
            value={end}
            disabled={!enabled || busy}
            aria-invalid={error && enabled ? true : undefined}
            onChange={(e) => {
              setEnd(e.target.value);
              setSaved(false);
            }}
            data-testid="quiet-end"
          />
        </label>
        <button type="submit" className="btn btn-small" disabled={busy || !changed} data-testid="quiet-save">
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      <p id={`${uid}-help`} className="field-help">
        {`Times are in ${timeZone === 'local' ? 'this machine’s time zone' : timeZone}. Critical incidents are always sent at once; the rest wait until the quiet hours end.`}
      </p>
      <div role="status" aria-live="polite">
        {saved && (
          <p className="small channel-ok" data-testid="quiet-saved">
            {quietHours ? `Quiet hours ${quietHours.start}–${quietHours.end} saved.` : 'Quiet hours are off.'}
          </p>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="quiet-error">
          {error}
        </p>
      )}
    </form>
  );
}

function Silences({ silences }: { silences: Silence[] }) {
  const now = useNow();
  const endSilence = useStore((state) => state.endSilence);
  const [formOpen, setFormOpen] = useState(false);
  const [ending, setEnding] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const newRef = useRef<HTMLButtonElement>(null);
  const active = silences.filter((silence) => Date.parse(silence.expiresAt) > now);

  const end = (silence: Silence): void => {
    setEnding(silence.id);
    setError(null);
    void endSilence(silence.id).then((message) => {
      setEnding(null);
      setError(message);
      if (message === null) {
        setAnnouncement(`Silence by ${silence.owner} ended`);
        // The row and its button are gone; keep focus in the card.
        newRef.current?.focus();
      }
    });
  };

  return (
    <div className="channel-silences">
      <div className="channel-section-head">
        <h3 className="section-title">Silences</h3>
        <div className="toolbar-spacer" />
        {!formOpen && (
          <button
            ref={newRef}
            type="button"
            className="btn btn-small"
            onClick={() => {
              setFormOpen(true);
            }}
            data-testid="silence-new"
          >
            Silence…
          </button>
        )}
      </div>
      <p className="sources-sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      {error && <ErrorNotice title="Silence not ended" message={error} />}
      {active.length === 0 ? (
        <p className="muted small" data-testid="silences-empty">
          No active silences.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="silences-table">
            <thead>
              <tr>
                <th scope="col">Owner</th>
                <th scope="col">Reason</th>
                <th scope="col">Matches</th>
                <th scope="col">Ends</th>
                <th scope="col">
                  <span className="sources-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {active.map((silence) => (
                <tr key={silence.id} data-testid="silence-row" data-id={silence.id}>
                  <td>{silence.owner}</td>
                  <td>{silence.reason || <span className="muted">—</span>}</td>
                  <td className="small">{describeMatch(silence.match)}</td>
                  <td className="mono small" title={formatAbsolute(silence.expiresAt)}>
                    <time dateTime={silence.expiresAt}>{formatAbsolute(silence.expiresAt)}</time>{' '}
                    <span className="muted">({formatRemaining(silence.expiresAt, now)})</span>
                  </td>
                  <td className="backup-actions-cell">
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={ending !== null}
                      aria-label={`End the silence by ${silence.owner}`}
                      onClick={() => {
                        end(silence);
                      }}
                      data-testid="silence-end"
                    >
                      {ending === silence.id ? 'Ending…' : 'End'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {formOpen && (
        <SilenceForm
          onDone={(added) => {
            setFormOpen(false);
            if (added) setAnnouncement('Silence added');
            requestAnimationFrame(() => newRef.current?.focus());
          }}
        />
      )}
    </div>
  );
}

function SilenceForm({ onDone }: { onDone: (added: boolean) => void }) {
  const uid = useId();
  const addSilence = useStore((state) => state.addSilence);
  const [owner, setOwner] = useState('analyst');
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState(60);
  const [minSeverity, setMinSeverity] = useState<Severity | ''>('');
  const [sources, setSources] = useState('');
  const [categories, setCategories] = useState('');
  const [hosts, setHosts] = useState('');
  const [titleContains, setTitleContains] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ownerRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    ownerRef.current?.focus();
  }, []);

  const matchAll =
    !minSeverity && !sources.trim() && !categories.trim() && !hosts.trim() && !titleContains.trim();

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (busy) return;
    if (!owner.trim()) {
      setError('owner: required');
      ownerRef.current?.focus();
      return;
    }
    const match = {
      ...(minSeverity ? { minSeverity } : {}),
      sources: splitList(sources),
      categories: splitList(categories),
      hosts: splitList(hosts),
      ...(titleContains.trim() ? { titleContains: titleContains.trim() } : {}),
    };
    setBusy(true);
    setError(null);
    void addSilence({
      owner: owner.trim(),
      minutes,
      match,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    }).then((message) => {
      setBusy(false);
      if (message === null) onDone(true);
      else setError(message);
    });
  };

  return (
    <form
      className="channel-silence-form"
      onSubmit={submit}
      noValidate
      aria-labelledby={`${uid}-title`}
      data-testid="silence-form"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onDone(false);
        }
      }}
    >
      <h4 id={`${uid}-title`} className="field-label">
        New silence
      </h4>
      <div className="channel-silence-grid">
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-owner`}>
            Owner
          </label>
          <input
            ref={ownerRef}
            id={`${uid}-owner`}
            className="input"
            value={owner}
            maxLength={120}
            disabled={busy}
            onChange={(e) => {
              setOwner(e.target.value);
            }}
            data-testid="silence-owner"
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-minutes`}>
            For
          </label>
          <select
            id={`${uid}-minutes`}
            className="input"
            value={minutes}
            disabled={busy}
            onChange={(e) => {
              setMinutes(Number(e.target.value));
            }}
            data-testid="silence-minutes"
          >
            {DURATIONS.map((d) => (
              <option key={d.minutes} value={d.minutes}>
                {d.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field channel-span-2">
          <label className="field-label" htmlFor={`${uid}-reason`}>
            Reason
          </label>
          <input
            id={`${uid}-reason`}
            className="input"
            value={reason}
            maxLength={500}
            placeholder="e.g. planned maintenance of web-01"
            disabled={busy}
            onChange={(e) => {
              setReason(e.target.value);
            }}
            data-testid="silence-reason"
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-severity`}>
            Severity
          </label>
          <select
            id={`${uid}-severity`}
            className="input"
            value={minSeverity}
            disabled={busy}
            onChange={(e) => {
              setMinSeverity(e.target.value as Severity | '');
            }}
            data-testid="silence-severity"
          >
            <option value="">any</option>
            {[...SEVERITIES].reverse().map((severity) => (
              <option key={severity} value={severity}>
                {SEVERITY_LABEL[severity]}
                {severity === 'critical' ? '' : ' and above'}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-titleContains`}>
            Title contains
          </label>
          <input
            id={`${uid}-titleContains`}
            className="input"
            value={titleContains}
            maxLength={200}
            disabled={busy}
            onChange={(e) => {
              setTitleContains(e.target.value);
            }}
            data-testid="silence-title"
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-hosts`}>
            Hosts
          </label>
          <input
            id={`${uid}-hosts`}
            className="input mono"
            value={hosts}
            placeholder="any host"
            spellCheck={false}
            disabled={busy}
            onChange={(e) => {
              setHosts(e.target.value);
            }}
            data-testid="silence-hosts"
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-sources`}>
            Sources
          </label>
          <input
            id={`${uid}-sources`}
            className="input mono"
            value={sources}
            placeholder="any source"
            spellCheck={false}
            disabled={busy}
            onChange={(e) => {
              setSources(e.target.value);
            }}
            data-testid="silence-sources"
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-categories`}>
            Categories
          </label>
          <input
            id={`${uid}-categories`}
            className="input mono"
            value={categories}
            placeholder="any category"
            spellCheck={false}
            disabled={busy}
            onChange={(e) => {
              setCategories(e.target.value);
            }}
            data-testid="silence-categories"
          />
        </div>
      </div>
      <p className="field-help">Lists are separated by commas; every filled-in field must match.</p>
      {matchAll && (
        <p className="channel-warning" data-testid="silence-all-warning">
          No filter: this silences every incident on every channel.
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="silence-error">
          {error}
        </p>
      )}
      <div className="card-actions">
        <button type="submit" className="btn btn-small btn-primary" disabled={busy} data-testid="silence-add">
          {busy ? 'Adding…' : 'Add silence'}
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={busy}
          onClick={() => {
            onDone(false);
          }}
          data-testid="silence-cancel"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Routing rules at a glance; they are edited in the configuration for now. */
function Rules({ rules }: { rules: Record<string, unknown>[] }) {
  if (rules.length === 0) {
    return (
      <p className="muted small" data-testid="routing-rules">
        No routing rules: nothing is sent below a channel’s minimum severity, and nothing is kept away from
        it.
      </p>
    );
  }
  return (
    <div data-testid="routing-rules">
      <h3 className="section-title">Rules</h3>
      <ul className="channel-rules">
        {rules.map((rule, index) => {
          const id = typeof rule.id === 'string' ? rule.id : String(index);
          const name = typeof rule.name === 'string' ? rule.name : id;
          const action = rule.action === 'suppress' ? 'keeps away from' : 'sends to';
          const channels =
            Array.isArray(rule.channels) && rule.channels.length > 0
              ? rule.channels.join(', ')
              : 'every channel';
          return (
            <li key={id} className={rule.enabled === false ? 'muted' : undefined}>
              <strong>{name}</strong>
              {rule.enabled === false ? ' (off)' : ''}:{' '}
              {isMatch(rule.match) ? describeMatch(rule.match) : '—'} → {action} {channels}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
