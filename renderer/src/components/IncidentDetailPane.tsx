import { useMemo } from 'react';
import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { Entities, RawEvent, Status, TimelineEntry } from '../../../shared/domain';
import type { IncidentDetail } from '../../../shared/ipc/contract';
import { formatAbsolute, formatCount, prettyBody } from '../lib/format';
import { useStore } from '../store';
import { AnalysisPanel } from './AnalysisPanel';
import { ErrorNotice } from './ErrorNotice';
import { SeverityBadge } from './SeverityBadge';
import { StatusBadge } from './StatusBadge';
import { TimeAgo } from './TimeAgo';

const ACTIONS: readonly { status: Status; label: string; testId: string; tone?: string }[] = [
  { status: 'acknowledged', label: 'Acknowledge', testId: 'action-acknowledge', tone: 'btn-primary' },
  { status: 'in_progress', label: 'In progress', testId: 'action-in-progress' },
  { status: 'resolved', label: 'Resolve', testId: 'action-resolve' },
  { status: 'false_positive', label: 'Close as false positive', testId: 'action-false-positive' },
];

export function IncidentDetailPane() {
  const { selectedId, detail, detailState, detailError, openIncident, closeIncident } = useStore(
    useShallow((s) => ({
      selectedId: s.selectedId,
      detail: s.detail,
      detailState: s.detailState,
      detailError: s.detailError,
      openIncident: s.openIncident,
      closeIncident: s.closeIncident,
    })),
  );
  // While another incident loads, the previous one must not pose as the selection.
  const shown = selectedId !== null && detail?.incident.id === selectedId ? detail : null;

  return (
    <aside
      className="detail-pane"
      aria-label="Incident detail"
      data-testid="incident-detail"
      onKeyDown={(e) => {
        if (e.key === 'Escape') closeIncident();
      }}
    >
      <button
        type="button"
        className="btn btn-icon detail-close"
        onClick={closeIncident}
        aria-label="Close incident detail"
        title="Close (Esc)"
      >
        ×
      </button>
      {shown ? (
        <DetailBody detail={shown} refreshing={detailState === 'loading'} />
      ) : detailState === 'error' ? (
        <div className="detail-message">
          <ErrorNotice
            title="Could not load this incident"
            message={detailError ?? 'Unknown error'}
            onRetry={
              selectedId
                ? () => {
                    openIncident(selectedId);
                  }
                : undefined
            }
          />
        </div>
      ) : (
        <p className="detail-message muted" aria-busy="true">
          Loading incident…
        </p>
      )}
    </aside>
  );
}

function DetailBody({ detail, refreshing }: { detail: IncidentDetail; refreshing: boolean }) {
  const { incident, timeline, events } = detail;
  const { statusBusy, statusError, setIncidentStatus } = useStore(
    useShallow((s) => ({
      statusBusy: s.statusBusy,
      statusError: s.statusError,
      setIncidentStatus: s.setIncidentStatus,
    })),
  );

  return (
    <div className="detail-scroll" aria-busy={refreshing}>
      <header className="detail-header">
        <div className="detail-badges">
          <SeverityBadge severity={incident.severity} />
          <StatusBadge status={incident.status} testId="incident-status" />
          {incident.category && <span className="tag">{incident.category}</span>}
        </div>
        <h2 className="detail-title" data-testid="incident-detail-title">
          {incident.title}
        </h2>
        <div className="detail-id mono" title="Incident id">
          {incident.id}
        </div>
      </header>

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

      <dl className="facts">
        <Fact label="Source">
          {incident.source.name} <span className="muted">({incident.source.kind})</span>
        </Fact>
        <Fact label="First seen">
          <span className="mono">{formatAbsolute(incident.firstSeen)}</span>
        </Fact>
        <Fact label="Last seen">
          <span className="mono">{formatAbsolute(incident.lastSeen)}</span>{' '}
          <span className="muted">
            (<TimeAgo iso={incident.lastSeen} />)
          </span>
        </Fact>
        <Fact label="Count">
          <span className="mono">{formatCount(incident.count)}</span>
        </Fact>
        {incident.assignee && <Fact label="Assignee">{incident.assignee}</Fact>}
        {incident.vendorStatus && <Fact label="Vendor status">{incident.vendorStatus}</Fact>}
        {incident.vendorId && (
          <Fact label="Vendor id">
            <span className="mono">{incident.vendorId}</span>
          </Fact>
        )}
        {incident.consoleUrl && (
          <Fact label="Console">
            <span className="mono break">{incident.consoleUrl}</span>
          </Fact>
        )}
        {incident.tags.length > 0 && (
          <Fact label="Tags">
            {incident.tags.map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
          </Fact>
        )}
      </dl>

      <AnalysisPanel key={incident.id} incidentId={incident.id} analysis={detail.analysis} />

      <Section title="Description">
        {incident.description ? (
          <p className="description">{incident.description}</p>
        ) : (
          <p className="muted">No description.</p>
        )}
      </Section>

      <Section title="Entities">
        <EntityList entities={incident.entities} />
      </Section>

      {(incident.mitre.tactics.length > 0 || incident.mitre.techniques.length > 0) && (
        <Section title="MITRE ATT&CK">
          <dl className="entities">
            {incident.mitre.tactics.length > 0 && (
              <EntityRow label="Tactics" values={incident.mitre.tactics} />
            )}
            {incident.mitre.techniques.length > 0 && (
              <EntityRow label="Techniques" values={incident.mitre.techniques} mono />
            )}
          </dl>
        </Section>
      )}

      <Section title={`Timeline (${String(timeline.length)})`}>
        <Timeline entries={timeline} />
      </Section>

      <Section title={`Raw events (${String(events.length)})`}>
        {events.length === 0 ? (
          <p className="muted">No raw events kept for this incident.</p>
        ) : (
          <ul className="raw-events">
            {events.map((event) => (
              <RawEventItem key={event.id} event={event} />
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="detail-section">
      <h3 className="section-title">{title}</h3>
      {children}
    </section>
  );
}

function EntityRow({
  label,
  values,
  mono = false,
}: {
  label: string;
  values: readonly string[];
  mono?: boolean;
}) {
  return (
    <div className="entity-row">
      <dt>{label}</dt>
      <dd>
        {values.map((value) => (
          <span key={value} className={`entity${mono ? ' mono' : ''}`}>
            {value}
          </span>
        ))}
      </dd>
    </div>
  );
}

function EntityList({ entities }: { entities: Entities }) {
  const simple: readonly [string, readonly string[], boolean][] = [
    ['Hosts', entities.hosts, true],
    ['Users', entities.users, true],
    ['IPs', entities.ips, true],
    ['Processes', entities.processes, true],
    ['Domains', entities.domains, true],
    ['URLs', entities.urls, true],
  ];
  const present = simple.filter(([, values]) => values.length > 0);
  if (present.length === 0 && entities.files.length === 0)
    return <p className="muted">No entities extracted.</p>;

  return (
    <dl className="entities">
      {present.map(([label, values, mono]) => (
        <EntityRow key={label} label={label} values={values} mono={mono} />
      ))}
      {entities.files.length > 0 && (
        <div className="entity-row">
          <dt>Files</dt>
          <dd>
            <ul className="files">
              {entities.files.map((file, index) => (
                <li key={`${file.path}#${String(index)}`} className="file">
                  <span className="mono break">{file.path}</span>
                  {file.sha256 && <Hash algo="SHA-256" value={file.sha256} />}
                  {file.sha1 && <Hash algo="SHA-1" value={file.sha1} />}
                  {file.md5 && <Hash algo="MD5" value={file.md5} />}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </dl>
  );
}

function Hash({ algo, value }: { algo: string; value: string }) {
  return (
    <span className="hash">
      <span className="hash-algo">{algo}</span>
      <span className="mono break">{value}</span>
    </span>
  );
}

function Timeline({ entries }: { entries: readonly TimelineEntry[] }) {
  if (entries.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <ol className="timeline">
      {entries.map((entry) => (
        <li key={entry.id} className="timeline-entry">
          <time className="mono timeline-at" dateTime={entry.at} title={entry.at}>
            {formatAbsolute(entry.at)}
          </time>
          <div className="timeline-body">
            <div>
              <span className="timeline-actor">{entry.actor}</span> <span className="via">{entry.via}</span>{' '}
              <span className="timeline-action">{entry.action}</span>
            </div>
            {entry.detail && <div className="timeline-detail">{entry.detail}</div>}
          </div>
        </li>
      ))}
    </ol>
  );
}

function RawEventItem({ event }: { event: RawEvent }) {
  // Rendered while collapsed too, so the browser's find-in-page reaches (and opens) the body.
  const body = useMemo(() => prettyBody(event.body), [event.body]);
  return (
    <li className="raw-event">
      <details>
        <summary>
          <span className="mono">{formatAbsolute(event.receivedAt)}</span>
          <span className="muted">
            {event.sourceKind} · {event.route}
          </span>
          <span className="mono muted raw-id">{event.id}</span>
        </summary>
        <pre className="raw-body">{body}</pre>
      </details>
    </li>
  );
}
