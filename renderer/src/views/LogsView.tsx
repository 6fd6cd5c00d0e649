import { memo, useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { LOG_LEVELS } from '../../../shared/ipc/contract';
import type { LogRecordView } from '../../../shared/ipc/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatAbsolute, formatCount } from '../lib/format';
import { useStore } from '../store';
import { LOGS_LIMIT } from '../store/logs-slice';
import type { LogFile } from '../store/logs-slice';

import '../styles/logs.css';

const FILES: readonly { file: LogFile; label: string; hint: string }[] = [
  { file: 'all', label: 'All', hint: 'all.log: every line' },
  { file: 'error', label: 'Errors', hint: 'error.log: warnings and errors' },
  { file: 'success', label: 'Successes', hint: 'success.log: deliveries, ingests, polls that worked' },
];

/** How often a followed tail is fetched again. */
const FOLLOW_MS = 2000;
/** Typing pauses this long before the search is applied. */
const SEARCH_DEBOUNCE_MS = 300;

/** `YYYY-MM-DD HH:mm:ss.mmm` in the configured zone; the sink writes ISO times with milliseconds. */
function logTime(iso: string): string {
  const ms = /\.(\d{3})/.exec(iso)?.[1];
  return ms ? `${formatAbsolute(iso)}.${ms}` : formatAbsolute(iso);
}

/** A stable key per record: records carry no id, and repeats of one line are numbered. */
function recordKeys(records: readonly LogRecordView[]): string[] {
  const seen = new Map<string, number>();
  return records.map((r) => {
    const base = `${r.time}\u0000${r.scope}\u0000${r.message}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return `${base}\u0000${String(n)}`;
  });
}

export function LogsView() {
  const s = useStore(
    useShallow((state) => ({
      file: state.logsFile,
      levels: state.logsLevels,
      query: state.logsQuery,
      follow: state.logsFollow,
      records: state.logsRecords,
      truncated: state.logsTruncated,
      logsState: state.logsState,
      logsError: state.logsError,
      setFile: state.setLogsFile,
      toggleLevel: state.toggleLogsLevel,
      setQuery: state.setLogsQuery,
      setFollow: state.setLogsFollow,
      loadLogs: state.loadLogs,
    })),
  );
  const panelId = useId();
  const searchId = useId();
  const [draft, setDraft] = useState(s.query);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);

  // First load, then the follow loop: only while following and while the window is visible.
  useEffect(() => {
    void useStore.getState().loadLogs();
  }, []);
  useEffect(() => {
    if (!s.follow) return undefined;
    const timer = setInterval(() => {
      const state = useStore.getState();
      if (document.visibilityState !== 'visible' || state.logsState === 'loading') return;
      void state.loadLogs();
    }, FOLLOW_MS);
    return () => clearInterval(timer);
  }, [s.follow]);

  useEffect(() => {
    if (draft === useStore.getState().logsQuery) return undefined;
    const timer = setTimeout(() => useStore.getState().setLogsQuery(draft), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft]);

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      Home: -index,
      End: FILES.length - 1 - index,
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const next = (index + move + FILES.length) % FILES.length;
    const target = FILES[next];
    if (!target) return;
    s.setFile(target.file);
    tabRefs.current[next]?.focus();
  };

  const filtered = s.levels.length > 0 || s.query.trim() !== '';
  const clearFilters = () => {
    setDraft('');
    const state = useStore.getState();
    for (const level of state.logsLevels) state.toggleLogsLevel(level);
    state.setLogsQuery('');
  };

  return (
    <section className="view view-logs" aria-labelledby="view-title">
      <div className="view-toolbar logs-toolbar">
        <h1 id="view-title" className="view-title" data-testid="view-title">
          Logs
        </h1>
        <div className="logs-tabs" role="tablist" aria-label="Log file">
          {FILES.map((f, index) => (
            <button
              key={f.file}
              ref={(el) => {
                tabRefs.current[index] = el;
              }}
              type="button"
              role="tab"
              id={`${panelId}-tab-${f.file}`}
              aria-selected={s.file === f.file}
              aria-controls={panelId}
              tabIndex={s.file === f.file ? 0 : -1}
              className="logs-tab"
              title={f.hint}
              onClick={() => s.setFile(f.file)}
              onKeyDown={(e) => onTabKey(e, index)}
              data-testid={`logs-tab-${f.file}`}
            >
              {f.label}
            </button>
          ))}
        </div>
        <div className="logs-levels" role="group" aria-label="Levels (none pressed: all)">
          {LOG_LEVELS.map((level) => (
            <button
              key={level}
              type="button"
              className={`logs-level-toggle lvl-${level}`}
              aria-pressed={s.levels.includes(level)}
              onClick={() => s.toggleLevel(level)}
              data-testid={`logs-level-${level}`}
            >
              {level}
            </button>
          ))}
        </div>
        <label className="sr-only" htmlFor={searchId}>
          Search logs
        </label>
        <input
          id={searchId}
          type="search"
          className="input logs-search"
          placeholder="Search message, scope, fields…"
          value={draft}
          maxLength={200}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') s.setQuery(draft);
          }}
          data-testid="logs-search"
        />
        <label className="logs-follow" title={`Fetch new lines every ${String(FOLLOW_MS / 1000)} s`}>
          <span className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={s.follow}
              onChange={(e) => s.setFollow(e.target.checked)}
              data-testid="logs-follow"
            />
            <span className="switch-track" aria-hidden="true" />
          </span>
          Follow
        </label>
      </div>
      <div
        className="view-body logs-body"
        role="tabpanel"
        id={panelId}
        aria-labelledby={`${panelId}-tab-${s.file}`}
      >
        <LogsStatus
          count={s.records.length}
          truncated={s.truncated}
          loading={s.logsState === 'loading'}
          follow={s.follow}
        />
        {s.logsState === 'error' && (
          <ErrorNotice
            title="Could not read the log"
            message={`${s.logsError ?? 'Unknown error'}`}
            onRetry={() => void s.loadLogs()}
          />
        )}
        {s.records.length === 0 && s.logsState === 'ready' ? (
          <div className="logs-empty" data-testid="logs-empty">
            {filtered ? (
              <>
                <p>No line in {s.file}.log matches these filters.</p>
                <button type="button" className="btn btn-small" onClick={clearFilters}>
                  Clear search and levels
                </button>
              </>
            ) : (
              <p>
                {s.file}.log has no lines yet.{' '}
                {s.file === 'error'
                  ? 'Warnings and errors land here; none so far is good news.'
                  : s.file === 'success'
                    ? 'Deliveries, ingests and polls that worked land here.'
                    : 'The core writes here as it runs.'}
              </p>
            )}
          </div>
        ) : (
          <LogList records={s.records} follow={s.follow} />
        )}
      </div>
    </section>
  );
}

function LogsStatus({
  count,
  truncated,
  loading,
  follow,
}: {
  count: number;
  truncated: boolean;
  loading: boolean;
  follow: boolean;
}) {
  return (
    <p className="logs-status muted small" data-testid="logs-count" data-count={count}>
      {formatCount(count)} line{count === 1 ? '' : 's'}, newest last
      {follow ? ' · following' : ' · paused'}
      {loading && <span aria-hidden="true"> · …</span>}
      {truncated && (
        <span className="logs-truncated" data-testid="logs-truncated">
          {' '}
          · showing the newest {formatCount(LOGS_LIMIT)} matches; narrow the search to reach older lines
        </span>
      )}
    </p>
  );
}

/**
 * The lines, newest at the bottom. While following, the list sticks to the
 * bottom as lines arrive, unless the analyst scrolled up to read: then it
 * stays where it is.
 */
function LogList({ records, follow }: { records: readonly LogRecordView[]; follow: boolean }) {
  const listRef = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const keys = recordKeys(records);

  useLayoutEffect(() => {
    const list = listRef.current;
    if (list && follow && atBottom.current) list.scrollTop = list.scrollHeight;
  }, [records, follow]);

  const toggle = useCallback((key: string) => {
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }, []);

  return (
    <ol
      className="logs-list"
      ref={listRef}
      data-testid="logs-list"
      aria-label="Log lines, newest last"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {records.map((record, index) => {
        const key = keys[index]!;
        return <LogRow key={key} rowKey={key} record={record} expanded={open.has(key)} onToggle={toggle} />;
      })}
    </ol>
  );
}

const LogRow = memo(function LogRow({
  rowKey,
  record,
  expanded,
  onToggle,
}: {
  rowKey: string;
  record: LogRecordView;
  expanded: boolean;
  onToggle: (key: string) => void;
}) {
  const fieldsId = useId();
  const hasFields = record.fields !== undefined && Object.keys(record.fields).length > 0;
  return (
    <li
      className={`log-row log-${record.level}`}
      data-testid="log-row"
      data-level={record.level}
      data-scope={record.scope}
    >
      <div className="log-line">
        <time className="log-time" dateTime={record.time} title={record.time}>
          {logTime(record.time)}
        </time>
        <span className={`log-level lvl-${record.level}`}>{record.level}</span>
        <span className="log-success" title={record.success ? 'Recorded in success.log' : undefined}>
          {record.success && (
            <>
              ✓<span className="sr-only"> success</span>
            </>
          )}
        </span>
        <span className="log-scope" title={record.scope}>
          {record.scope}
        </span>
        <span className="log-message" data-testid="log-message">
          {record.message}
        </span>
        {hasFields && (
          <button
            type="button"
            className="log-fields-toggle"
            aria-expanded={expanded}
            aria-controls={fieldsId}
            onClick={() => onToggle(rowKey)}
            data-testid="log-fields-toggle"
          >
            {expanded ? 'hide fields' : `${String(Object.keys(record.fields ?? {}).length)} fields`}
          </button>
        )}
      </div>
      {hasFields && expanded && (
        <pre className="log-fields" id={fieldsId} data-testid="log-fields">
          {JSON.stringify(record.fields, null, 2)}
        </pre>
      )}
    </li>
  );
});
