import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { ChangeEvent, KeyboardEvent, Ref } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { SEVERITIES, SOURCE_KINDS, STATUSES } from '../../../shared/domain';
import type { SourceKind } from '../../../shared/domain';
import { INCIDENT_SORTS } from '../../../shared/ipc/contract';
import type { IncidentQuery, IncidentSort, SourceView } from '../../../shared/ipc/contract';
import { SEVERITY_LABEL, STATUS_LABEL, formatAbsolute } from '../lib/format';
import { DEFAULT_SORT, RANGE_PRESETS } from '../lib/route';
import type { RangePreset } from '../lib/route';
import { useStore } from '../store';

// Worst first, as an analyst scans them.
const SEVERITY_ORDER = [...SEVERITIES].reverse();

export const SOURCE_KIND_LABEL: Record<SourceKind, string> = {
  sentinelone: 'SentinelOne',
  maxpatrol: 'MaxPatrol SIEM',
  deepinstinct: 'Deep Instinct',
  webhook: 'Webhook',
  demo: 'Demo feed',
};

const SORT_LABEL: Record<IncidentSort, string> = {
  lastSeen: 'Last seen',
  firstSeen: 'First seen',
  severity: 'Severity',
};

const RANGE_LABEL: Record<RangePreset, string> = { '1h': '1 h', '24h': '24 h', '7d': '7 d' };

/** Entity filters: one whole value each (or a prefix ending in *), matched by the core. */
const ENTITY_FIELDS = [
  { key: 'host', label: 'Host', placeholder: 'ws-0042 or ws-*' },
  { key: 'ip', label: 'IP', placeholder: '10.0.0.5' },
  { key: 'user', label: 'User', placeholder: 'CORP\\alice' },
  { key: 'tag', label: 'Tag', placeholder: 'phishing' },
  { key: 'assignee', label: 'Assignee', placeholder: 'alice' },
] as const;

interface SourceChoice {
  /** `kind:<kind>` or `id:<source id>`, as the URL's sourceKind / sourceId. */
  value: string;
  label: string;
}

/**
 * The Source picker's entries, in kind order: every configured source once,
 * by name; a kind with no configured source as the kind; a kind with several
 * as a group led by "All … sources". A kind with one configured source is
 * offered as that source only: listing the kind too named the same thing
 * twice ("Demo feed" the kind, "Demo feed" the source).
 */
export function sourceChoices(
  sources: readonly Pick<SourceView, 'id' | 'kind' | 'name'>[],
): { group: string | null; choices: SourceChoice[] }[] {
  return SOURCE_KINDS.map((kind) => {
    const kindLabel = SOURCE_KIND_LABEL[kind];
    const ofKind = sources.filter((source) => source.kind === kind);
    if (ofKind.length === 0) return { group: null, choices: [{ value: `kind:${kind}`, label: kindLabel }] };
    if (ofKind.length === 1) {
      const [only] = ofKind as [Pick<SourceView, 'id' | 'name'>];
      const label =
        only.name.trim().toLowerCase() === kindLabel.toLowerCase()
          ? only.name
          : `${only.name} (${kindLabel})`;
      return { group: null, choices: [{ value: `id:${only.id}`, label }] };
    }
    return {
      group: kindLabel,
      choices: [
        { value: `kind:${kind}`, label: `All ${kindLabel} sources` },
        ...ofKind.map((source) => ({ value: `id:${source.id}`, label: source.name })),
      ],
    };
  });
}

/** What a source filter from a link that the picker does not offer is called (a kind, a removed source). */
function linkedSourceLabel(value: string): string {
  const [form, key = ''] = value.split(/:(.*)/s);
  if (form === 'kind') {
    const kind = SOURCE_KINDS.find((k) => k === key);
    return kind ? `All ${SOURCE_KIND_LABEL[kind]} sources` : key;
  }
  return `Source ${key}`;
}

/** How long the analyst may pause typing before the list follows. */
const TYPE_DELAY_MS = 350;

interface FilterBarProps {
  /** The search box, for "/" to focus. */
  searchRef?: Ref<HTMLInputElement>;
  /** Called when Escape (or Enter in the search box) leaves a text field: focus goes back to the list. */
  onLeave?: () => void;
}

/**
 * Every incident filter, each labelled, all held in the store as one
 * IncidentQuery (and so in the URL): search, severity, status, source, time,
 * entities, sort. Active ones are repeated as removable chips underneath.
 */
export function FilterBar({ searchRef, onLeave }: FilterBarProps) {
  const s = useStore(
    useShallow((state) => ({
      filters: state.filters,
      range: state.range,
      sources: state.sources,
      sourcesState: state.sourcesState,
      loadSources: state.loadSources,
      setFilters: state.setFilters,
      setRange: state.setRange,
      toggleSeverityFilter: state.toggleSeverityFilter,
      toggleStatusFilter: state.toggleStatusFilter,
      clearFilters: state.clearFilters,
    })),
  );
  const { filters } = s;
  const uid = useId();
  const [customOpen, setCustomOpen] = useState(false);
  const custom = s.range === null && (customOpen || Boolean(filters.from ?? filters.to));

  const { sourcesState, loadSources } = s;
  useEffect(() => {
    // The source picker names configured sources; the list is small and cached.
    if (sourcesState === 'idle') void loadSources();
  }, [sourcesState, loadSources]);

  const sort = filters.sort ?? DEFAULT_SORT;
  const order = filters.order ?? 'desc';
  const orderLabel =
    sort === 'severity'
      ? order === 'desc'
        ? 'Worst first'
        : 'Mildest first'
      : order === 'desc'
        ? 'Newest first'
        : 'Oldest first';

  const sourceValue =
    filters.sourceId?.length === 1 && !filters.sourceKind?.length
      ? `id:${filters.sourceId[0]!}`
      : filters.sourceKind?.length === 1 && !filters.sourceId?.length
        ? `kind:${filters.sourceKind[0]!}`
        : filters.sourceId?.length || filters.sourceKind?.length
          ? 'several'
          : '';
  const sourceGroups = sourceChoices(s.sources);
  const sourceOffered = sourceGroups.some((entry) => entry.choices.some((c) => c.value === sourceValue));

  return (
    <div className="inc-filters" role="search" aria-label="Incident filters" data-testid="filter-bar">
      <div className="inc-filter-row">
        <SearchBox
          value={filters.q}
          inputRef={searchRef}
          onLeave={onLeave}
          onCommit={(q) => {
            s.setFilters({ q });
          }}
        />

        <div className="inc-field">
          <label className="inc-field-label" htmlFor={`${uid}-sort`}>
            Sort
          </label>
          <select
            id={`${uid}-sort`}
            className="inc-select"
            value={sort}
            onChange={(e) => {
              s.setFilters({ sort: e.currentTarget.value as IncidentSort });
            }}
            data-testid="sort-select"
          >
            {INCIDENT_SORTS.map((key) => (
              <option key={key} value={key}>
                {SORT_LABEL[key]}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn-small inc-order"
            aria-label={`Order: ${orderLabel}. Press to reverse.`}
            title="Reverse the order"
            onClick={() => {
              s.setFilters({ order: order === 'desc' ? 'asc' : 'desc' });
            }}
            data-testid="sort-order"
          >
            <span aria-hidden="true">{order === 'desc' ? '↓' : '↑'}</span> {orderLabel}
          </button>
        </div>

        <div className="chip-group" role="group" aria-label="Time range (last seen)">
          <span className="chip-group-label">Time</span>
          <button
            type="button"
            className="chip"
            aria-pressed={s.range === null && !custom}
            onClick={() => {
              setCustomOpen(false);
              s.setRange(null);
            }}
            data-testid="filter-range-any"
          >
            Any
          </button>
          {RANGE_PRESETS.map((range) => (
            <button
              key={range}
              type="button"
              className="chip"
              aria-pressed={s.range === range}
              aria-label={`Last ${RANGE_LABEL[range]}`}
              onClick={() => {
                setCustomOpen(false);
                s.setRange(range);
              }}
              data-testid={`filter-range-${range}`}
            >
              {RANGE_LABEL[range]}
            </button>
          ))}
          <button
            type="button"
            className="chip"
            aria-pressed={custom}
            aria-expanded={custom}
            onClick={() => {
              setCustomOpen(true);
              if (s.range) s.setRange(null);
            }}
            data-testid="filter-range-custom"
          >
            Custom…
          </button>
          {custom && (
            <span className="inc-custom-range">
              <TimeInput
                label="From"
                value={filters.from}
                onChange={(from) => {
                  s.setFilters({ from });
                }}
                testId="filter-from"
              />
              <TimeInput
                label="To"
                value={filters.to}
                onChange={(to) => {
                  s.setFilters({ to });
                }}
                testId="filter-to"
              />
            </span>
          )}
        </div>
      </div>

      <div className="inc-filter-row">
        <div className="chip-group" role="group" aria-label="Filter by severity">
          <span className="chip-group-label">Severity</span>
          {SEVERITY_ORDER.map((severity) => (
            <button
              key={severity}
              type="button"
              className={`chip chip-sev sev-${severity}`}
              aria-pressed={filters.severity?.includes(severity) ?? false}
              onClick={() => {
                s.toggleSeverityFilter(severity);
              }}
              data-testid={`filter-severity-${severity}`}
            >
              <span className="chip-dot" aria-hidden="true" />
              {SEVERITY_LABEL[severity]}
            </button>
          ))}
        </div>
        <div className="chip-group" role="group" aria-label="Filter by status">
          <span className="chip-group-label">Status</span>
          {STATUSES.map((status) => (
            <button
              key={status}
              type="button"
              className="chip"
              aria-pressed={filters.status?.includes(status) ?? false}
              onClick={() => {
                s.toggleStatusFilter(status);
              }}
              data-testid={`filter-status-${status}`}
            >
              {STATUS_LABEL[status]}
            </button>
          ))}
        </div>
        <div className="inc-field">
          <label className="inc-field-label" htmlFor={`${uid}-source`}>
            Source
          </label>
          <select
            id={`${uid}-source`}
            className="inc-select"
            value={sourceValue}
            onChange={(e) => {
              const [kind, value] = e.currentTarget.value.split(/:(.*)/s);
              s.setFilters({
                sourceKind: kind === 'kind' && value ? [value as SourceKind] : undefined,
                sourceId: kind === 'id' && value ? [value] : undefined,
              });
            }}
            data-testid="filter-source"
          >
            <option value="">Any source</option>
            {sourceValue === 'several' ? (
              <option value="several" disabled>
                Several (from the link)
              </option>
            ) : (
              // A link's filter still shows (and applies) when the picker offers it in the other form.
              sourceValue !== '' &&
              !sourceOffered && <option value={sourceValue}>{linkedSourceLabel(sourceValue)}</option>
            )}
            {sourceGroups.map((entry) => {
              const options = entry.choices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ));
              return entry.group === null ? (
                options
              ) : (
                <optgroup key={entry.group} label={entry.group}>
                  {options}
                </optgroup>
              );
            })}
          </select>
        </div>
      </div>

      <div className="inc-filter-row">
        {ENTITY_FIELDS.map((field) => (
          <TextFilter
            key={field.key}
            label={field.label}
            placeholder={field.placeholder}
            value={filters[field.key]}
            onLeave={onLeave}
            onCommit={(value) => {
              s.setFilters({ [field.key]: value });
            }}
            testId={`filter-${field.key}`}
          />
        ))}
        <div className="toolbar-spacer" />
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => {
            setCustomOpen(false);
            s.clearFilters();
          }}
          disabled={activeChips(filters, s.range).length === 0}
          data-testid="filters-clear"
        >
          Clear all filters
        </button>
      </div>

      <ActiveFilters />
    </div>
  );
}

/** Full-text search over title, hosts, IPs, users, tags and the AI summary (the core's FTS5 index). */
function SearchBox({
  value,
  inputRef,
  onCommit,
  onLeave,
}: {
  value: string | undefined;
  inputRef?: Ref<HTMLInputElement> | undefined;
  onCommit: (value: string | undefined) => void;
  onLeave?: (() => void) | undefined;
}) {
  const field = useCommittedText(value, onCommit);
  const id = useId();
  return (
    <div className="inc-search">
      <label className="inc-field-label" htmlFor={id}>
        Search
      </label>
      <input
        ref={inputRef}
        id={id}
        type="search"
        className="inc-input inc-search-input"
        placeholder="Title, host, IP, user, tag, AI summary…"
        maxLength={200}
        {...field.inputProps(onLeave, { leaveOnEnter: true })}
        aria-keyshortcuts="/"
        data-testid="filter-search"
      />
      <kbd className="inc-kbd" aria-hidden="true">
        /
      </kbd>
    </div>
  );
}

function TextFilter({
  label,
  placeholder,
  value,
  onCommit,
  onLeave,
  testId,
}: {
  label: string;
  placeholder: string;
  value: string | undefined;
  onCommit: (value: string | undefined) => void;
  onLeave?: (() => void) | undefined;
  testId: string;
}) {
  const field = useCommittedText(value, onCommit);
  const id = useId();
  return (
    <div className={`inc-field inc-entity${value ? ' inc-entity-active' : ''}`}>
      <label className="inc-field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="text"
        className="inc-input inc-entity-input"
        placeholder={placeholder}
        maxLength={200}
        spellCheck={false}
        autoComplete="off"
        {...field.inputProps(onLeave)}
        data-testid={testId}
      />
    </div>
  );
}

/**
 * A text box whose value reaches the store after a pause in typing (or at
 * once on Enter / blur), and which takes a new value from the store only
 * when it changed there (clear all, a link) — never its own echo.
 */
function useCommittedText(value: string | undefined, onCommit: (value: string | undefined) => void) {
  const [text, setText] = useState(value ?? '');
  const committed = useRef(value ?? '');
  const commitRef = useRef(onCommit);
  useLayoutEffect(() => {
    commitRef.current = onCommit;
  });

  useEffect(() => {
    const next = value ?? '';
    if (next === committed.current) return;
    committed.current = next;
    setText(next);
  }, [value]);

  const commit = (raw: string): void => {
    const next = raw.trim();
    if (next === committed.current) return;
    committed.current = next;
    commitRef.current(next || undefined);
  };

  useEffect(() => {
    if (text.trim() === committed.current) return undefined;
    const timer = setTimeout(() => {
      commit(text);
    }, TYPE_DELAY_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [text]);

  const commitNow = (): void => {
    commit(text);
  };
  return {
    text,
    setText,
    commitNow,
    /**
     * Value and handlers for the input: typing commits after a pause, Enter
     * or leaving at once; Esc (and Enter with `leaveOnEnter`) also calls
     * `onLeave`, keeping what was typed.
     */
    inputProps: (onLeave?: () => void, { leaveOnEnter = false }: { leaveOnEnter?: boolean } = {}) => ({
      value: text,
      onChange: (e: ChangeEvent<HTMLInputElement>) => {
        setText(e.currentTarget.value);
      },
      onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') {
          commitNow();
          if (leaveOnEnter) onLeave?.();
        }
        if (e.key === 'Escape') {
          // A type="search" field clears itself on Escape (Chromium's default action, after this
          // handler), which would wipe the search just committed: Esc here means "back to the list".
          e.preventDefault();
          commitNow();
          onLeave?.();
        }
      },
      onBlur: commitNow,
    }),
  };
}

/** `datetime-local` in this machine's zone, stored as an ISO instant. */
function TimeInput({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  testId: string;
}) {
  const id = useId();
  return (
    <span className="inc-field">
      <label className="inc-field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="datetime-local"
        className="inc-input inc-time-input"
        value={value ? toLocalInput(value) : ''}
        onChange={(e) => {
          const local = e.currentTarget.value;
          const time = local ? new Date(local).getTime() : NaN;
          onChange(Number.isNaN(time) ? undefined : new Date(time).toISOString());
        }}
        data-testid={testId}
      />
    </span>
  );
}

function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${String(date.getFullYear())}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

interface ActiveChip {
  key: string;
  label: string;
  remove: Partial<IncidentQuery> | 'range';
}

function activeChips(filters: IncidentQuery, range: RangePreset | null): ActiveChip[] {
  const chips: ActiveChip[] = [];
  if (filters.q) chips.push({ key: 'q', label: `Search: “${filters.q}”`, remove: { q: undefined } });
  if (filters.severity?.length)
    chips.push({
      key: 'severity',
      label: `Severity: ${filters.severity.map((v) => SEVERITY_LABEL[v]).join(', ')}`,
      remove: { severity: undefined },
    });
  if (filters.status?.length)
    chips.push({
      key: 'status',
      label: `Status: ${filters.status.map((v) => STATUS_LABEL[v]).join(', ')}`,
      remove: { status: undefined },
    });
  if (filters.sourceKind?.length)
    chips.push({
      key: 'sourceKind',
      label: `Source kind: ${filters.sourceKind.map((v) => SOURCE_KIND_LABEL[v]).join(', ')}`,
      remove: { sourceKind: undefined },
    });
  if (filters.sourceId?.length)
    chips.push({
      key: 'sourceId',
      label: `Source: ${filters.sourceId.join(', ')}`,
      remove: { sourceId: undefined },
    });
  for (const field of ENTITY_FIELDS) {
    const value = filters[field.key];
    if (value)
      chips.push({ key: field.key, label: `${field.label}: ${value}`, remove: { [field.key]: undefined } });
  }
  if (range) chips.push({ key: 'range', label: `Last ${RANGE_LABEL[range]}`, remove: 'range' });
  else if (filters.from || filters.to)
    chips.push({
      key: 'time',
      label: `Last seen ${filters.from ? `from ${formatAbsolute(filters.from)}` : ''}${filters.from && filters.to ? ' ' : ''}${filters.to ? `before ${formatAbsolute(filters.to)}` : ''}`,
      remove: { from: undefined, to: undefined },
    });
  return chips;
}

/** The filters in force, one removable chip each: what the list shows at a glance. */
function ActiveFilters() {
  const { filters, range, setFilters, setRange } = useStore(
    useShallow((state) => ({
      filters: state.filters,
      range: state.range,
      setFilters: state.setFilters,
      setRange: state.setRange,
    })),
  );
  const chips = activeChips(filters, range);
  if (chips.length === 0) return null;
  return (
    <ul className="inc-active" aria-label="Active filters" data-testid="active-filters">
      {chips.map((chip) => (
        <li key={chip.key} className="inc-active-chip" data-testid={`active-filter-${chip.key}`}>
          <span className="inc-active-label">{chip.label}</span>
          <button
            type="button"
            className="inc-active-remove"
            aria-label={`Remove filter ${chip.label}`}
            onClick={() => {
              if (chip.remove === 'range') setRange(null);
              else setFilters(chip.remove);
            }}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
