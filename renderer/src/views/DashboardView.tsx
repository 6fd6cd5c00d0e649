import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { SEVERITIES, STATUSES } from '../../../shared/domain';
import type { DashboardStats, IncidentQuery } from '../../../shared/ipc/contract';
import { ChannelHealthCard, SourceHealthCard } from '../components/DashboardHealth';
import { ErrorNotice } from '../components/ErrorNotice';
import { PerHourChart } from '../components/PerHourChart';
import { SeverityBadge } from '../components/SeverityBadge';
import { STATUS_LABEL, formatAbsolute, formatCount } from '../lib/format';
import { formatRoute } from '../lib/route';
import type { RangePreset } from '../lib/route';
import { useStore } from '../store';
import { DASHBOARD_WINDOWS } from '../store/dashboard-slice';
import type { DashboardHours } from '../store/dashboard-slice';
import { getTransport } from '../transport';

import '../styles/dashboard.css';

const SEVERITY_ORDER = [...SEVERITIES].reverse();
/** Live incidents refresh the figures at most this often: a flood must not become a flood of queries. */
const REFRESH_MIN_MS = 5000;
/**
 * Nor more often than this many times the last refresh took: figures over a
 * long window of many incidents take the core seconds, and a console left
 * open on them should cost it a tenth of its time at most.
 */
const REFRESH_COST_FACTOR = 10;

/** "42s", "4m 12s", "2h 05m", "3d 4h". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${String(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${String(m)}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${String(h)}h ${String(m % 60).padStart(2, '0')}m`;
  return `${String(Math.floor(h / 24))}d ${String(h % 24)}h`;
}

const RANGE_FOR: Partial<Record<DashboardHours, RangePreset>> = { 24: '24h', 168: '7d' };

/** The incidents view filtered by one value over the dashboard's window, as a link. */
function incidentsHref(filter: IncidentQuery, stats: DashboardStats, hours: DashboardHours): string {
  const range = RANGE_FOR[hours] ?? null;
  return formatRoute({
    view: 'incidents',
    incidentId: null,
    filters: range ? filter : { ...filter, from: stats.from },
    range,
  });
}

export function DashboardView() {
  const s = useStore(
    useShallow((state) => ({
      hours: state.dashboardHours,
      stats: state.dashboard,
      dashState: state.dashboardState,
      dashError: state.dashboardError,
      setHours: state.setDashboardHours,
      loadDashboard: state.loadDashboard,
      sources: state.sources,
      sourcesState: state.sourcesState,
      sourcesError: state.sourcesError,
      loadSources: state.loadSources,
      channels: state.channels,
      channelsState: state.channelsState,
      channelsError: state.channelsError,
      loadChannels: state.loadChannels,
      setView: state.setView,
    })),
  );

  useEffect(() => {
    const state = useStore.getState();
    // Sources and channels keep themselves current through their push events once listed.
    if (state.sourcesState === 'idle') void state.loadSources();
    if (state.channelsState === 'idle') void state.loadChannels();

    let last = 0;
    let took = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      timer = null;
      const started = Date.now();
      last = started;
      void useStore
        .getState()
        .loadDashboard()
        .finally(() => {
          took = Date.now() - started;
        });
    };
    refresh();
    const unsubscribe = getTransport().api.on('incidents.changed', () => {
      if (timer) return;
      const wait = Math.max(REFRESH_MIN_MS, took * REFRESH_COST_FACTOR);
      timer = setTimeout(refresh, Math.max(0, last + wait - Date.now()));
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, []);

  const { stats, hours } = s;

  return (
    <section className="view view-dashboard" aria-labelledby="view-title">
      <div className="view-toolbar">
        <h1 id="view-title" className="view-title" data-testid="view-title">
          Dashboard
        </h1>
        <div className="seg" role="radiogroup" aria-label="Time window">
          {DASHBOARD_WINDOWS.map((w) => (
            <button
              key={w.hours}
              type="button"
              role="radio"
              aria-checked={hours === w.hours}
              className="seg-item"
              onClick={() => s.setHours(w.hours)}
              data-testid={`dash-window-${w.label}`}
            >
              {w.label}
            </button>
          ))}
        </div>
        <span className="view-subtitle mono" aria-live="polite">
          {stats
            ? `${formatAbsolute(stats.from).slice(0, 16)} → ${formatAbsolute(stats.to).slice(0, 16)}`
            : ''}
        </span>
        <span className="toolbar-spacer" />
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void s.loadDashboard()}
          disabled={s.dashState === 'loading'}
          data-testid="dash-refresh"
        >
          {s.dashState === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <div className="view-body dash" aria-busy={s.dashState === 'loading'}>
        {s.dashState === 'error' && (
          <ErrorNotice
            title="Could not load the dashboard figures"
            message={`${s.dashError ?? 'Unknown error'}. The rest of the console still works; retry, or check the Logs view for the cause.`}
            onRetry={() => void s.loadDashboard()}
          />
        )}
        {stats ? (
          <Figures stats={stats} hours={hours} onOpenIncidents={() => s.setView('incidents')} />
        ) : (
          s.dashState !== 'error' && (
            <p className="muted" aria-busy="true">
              Loading figures…
            </p>
          )
        )}
        <div className="dash-grid dash-grid-2">
          <SourceHealthCard
            sources={s.sources}
            state={s.sourcesState}
            error={s.sourcesError}
            onRetry={() => void s.loadSources()}
          />
          <ChannelHealthCard
            channels={s.channels}
            state={s.channelsState}
            error={s.channelsError}
            onRetry={() => void s.loadChannels()}
          />
        </div>
      </div>
    </section>
  );
}

function Figures({
  stats,
  hours,
  onOpenIncidents,
}: {
  stats: DashboardStats;
  hours: DashboardHours;
  onOpenIncidents: () => void;
}) {
  const windowLabel = DASHBOARD_WINDOWS.find((w) => w.hours === hours)?.label ?? `${String(hours)}h`;
  return (
    <>
      <div className="dash-grid dash-grid-top">
        <section className="dash-card" aria-labelledby="dash-volume-title">
          <h2 className="dash-card-title" id="dash-volume-title">
            Incidents seen, last {windowLabel}
          </h2>
          <div className="dash-big mono" data-testid="dash-total" data-count={stats.total}>
            {formatCount(stats.total)}
          </div>
          {stats.total === 0 && (
            <p className="muted small dash-empty">
              Nothing arrived in this window. Check that sources are enabled and healthy (below), or widen the
              window.
            </p>
          )}
          <ul className="dash-counts" aria-label="By severity">
            {SEVERITY_ORDER.map((severity) => (
              <li
                key={severity}
                className={`dash-count sev-edge-${severity}`}
                data-testid={`dash-severity-${severity}`}
                data-count={stats.bySeverity[severity]}
              >
                <SeverityBadge severity={severity} />
                <span className="mono dash-count-value">{formatCount(stats.bySeverity[severity])}</span>
              </li>
            ))}
          </ul>
        </section>

        <section className="dash-card" aria-labelledby="dash-status-title">
          <h2 className="dash-card-title" id="dash-status-title">
            By status
          </h2>
          <ul className="dash-status-list">
            {STATUSES.map((status) => (
              <li
                key={status}
                className="dash-status"
                data-testid={`dash-status-${status}`}
                data-count={stats.byStatus[status]}
              >
                <span className={`status-badge status-${status}`}>{STATUS_LABEL[status]}</span>
                <span className="mono dash-count-value">{formatCount(stats.byStatus[status])}</span>
              </li>
            ))}
          </ul>
        </section>

        <section className="dash-card" aria-labelledby="dash-response-title">
          <h2 className="dash-card-title" id="dash-response-title">
            Response times
          </h2>
          <dl className="dash-times">
            <div>
              <dt title="Mean time to acknowledge: first sighting to the first status change">MTTA</dt>
              <dd className="mono dash-big" data-testid="dash-mtta" data-seconds={stats.mttaSec ?? ''}>
                {formatDuration(stats.mttaSec)}
              </dd>
              <dd className="muted small">over {formatCount(stats.acknowledged)} acknowledged</dd>
            </div>
            <div>
              <dt title="Mean time to resolve: first sighting to resolution">MTTR</dt>
              <dd className="mono dash-big" data-testid="dash-mttr" data-seconds={stats.mttrSec ?? ''}>
                {formatDuration(stats.mttrSec)}
              </dd>
              <dd className="muted small">over {formatCount(stats.resolved)} resolved</dd>
            </div>
          </dl>
          {stats.mttaSec === null && stats.total > 0 && (
            <p className="muted small">
              No incident was acknowledged in this window yet.{' '}
              <button type="button" className="link-button" onClick={onOpenIncidents}>
                Triage incidents
              </button>
            </p>
          )}
        </section>
      </div>

      <section className="dash-card" aria-labelledby="dash-hourly-title">
        <h2 className="dash-card-title" id="dash-hourly-title">
          Incidents per hour (by first sighting)
        </h2>
        <PerHourChart buckets={stats.perHour} />
      </section>

      <div className="dash-grid dash-grid-3">
        <TopList
          title="Top hosts"
          items={stats.topHosts}
          testId="dash-top-hosts"
          href={(value) => incidentsHref({ host: value }, stats, hours)}
          empty="No hosts named in this window."
        />
        <TopList
          title="Top IPs"
          items={stats.topIps}
          testId="dash-top-ips"
          href={(value) => incidentsHref({ ip: value }, stats, hours)}
          empty="No addresses named in this window."
        />
        <TopList
          title="Top rules"
          items={stats.topRules}
          testId="dash-top-rules"
          href={(value) => incidentsHref({ q: value.slice(0, 200) }, stats, hours)}
          empty="No incidents in this window."
        />
      </div>
    </>
  );
}

function TopList({
  title,
  items,
  testId,
  href,
  empty,
}: {
  title: string;
  items: DashboardStats['topHosts'];
  testId: string;
  href: (value: string) => string;
  empty: string;
}) {
  const max = items.reduce((m, item) => Math.max(m, item.count), 0);
  return (
    <section className="dash-card" aria-label={title} data-testid={testId}>
      <h2 className="dash-card-title">{title}</h2>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ol className="dash-top">
          {items.map((item) => (
            <li
              key={item.value}
              className="dash-top-item"
              data-testid="dash-top-item"
              data-value={item.value}
              data-count={item.count}
            >
              <a
                className="dash-top-link"
                href={href(item.value)}
                title={`Show the incidents with ${item.value}`}
              >
                <span
                  className="dash-top-bar"
                  style={{ width: `${String(max ? (item.count / max) * 100 : 0)}%` }}
                  aria-hidden="true"
                />
                <span className="dash-top-value mono">{item.value}</span>
                <span className="dash-top-count mono">{formatCount(item.count)}</span>
              </a>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
