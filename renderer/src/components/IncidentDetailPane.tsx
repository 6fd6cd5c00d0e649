import { useEffect, useId, useState } from 'react';
import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { IncidentDetail } from '../../../shared/ipc/contract';
import { formatAbsolute, formatCount, showHidden } from '../lib/format';
import { useStore } from '../store';
import { call, messageOf } from '../transport';
import { AnalysisPanel } from './AnalysisPanel';
import { CopyAnnouncer } from './CopyValue';
import { DetailActions } from './DetailActions';
import { EntityGroups, MitreList } from './EntityGroups';
import { ErrorNotice } from './ErrorNotice';
import { IncidentTimeline } from './IncidentTimeline';
import { IntelList } from './IntelList';
import { RawEventList } from './RawEventList';
import { SeverityBadge } from './SeverityBadge';
import { StatusBadge } from './StatusBadge';
import { TimeAgo } from './TimeAgo';

import '../styles/detail.css';

type Shown =
  | { kind: 'ready'; detail: IncidentDetail }
  | { kind: 'loading' }
  | { kind: 'error'; message: string; retry: () => void };

/**
 * The detail to show: the store's (real) one, or with `masked` the same
 * incident fetched masked. The masked copy is fetched again whenever the
 * real one changes (a live update, a status change), and while it is on its
 * way the previous masked copy stays, never the real one: an analyst who
 * masked the screen for a call must not see it flash real values.
 */
function useShownDetail(real: IncidentDetail | null, masked: boolean): Shown | null {
  const [copy, setCopy] = useState<{
    source: IncidentDetail;
    value: IncidentDetail | null;
    error: string | null;
  } | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!masked || !real) return undefined;
    let current = true;
    call('incidents.get', { id: real.incident.id, masked: true }).then(
      (value) => {
        if (current) setCopy({ source: real, value, error: null });
      },
      (error: unknown) => {
        if (current) setCopy({ source: real, value: null, error: messageOf(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [real, masked, attempt]);

  if (!real) return null;
  if (!masked) return { kind: 'ready', detail: real };
  const sameIncident = copy?.source.incident.id === real.incident.id;
  if (sameIncident && copy.error && copy.source === real) {
    return { kind: 'error', message: copy.error, retry: () => setAttempt((n) => n + 1) };
  }
  if (sameIncident && copy.value) return { kind: 'ready', detail: copy.value };
  return { kind: 'loading' };
}

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
  // Sticky across incidents: masking is a decision about the screen, not about one incident.
  const [masked, setMasked] = useState(false);
  // While another incident loads, the previous one must not pose as the selection.
  const real = selectedId !== null && detail?.incident.id === selectedId ? detail : null;
  const shown = useShownDetail(real, masked);

  return (
    <aside
      className="detail-pane"
      aria-label="Incident detail"
      data-testid="incident-detail"
      data-masked={masked}
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
      {shown?.kind === 'ready' ? (
        <CopyAnnouncer>
          <DetailBody
            detail={shown.detail}
            refreshing={detailState === 'loading'}
            masked={masked}
            onMaskedChange={setMasked}
          />
        </CopyAnnouncer>
      ) : shown?.kind === 'error' ? (
        <div className="detail-message">
          <MaskToggle masked={masked} onChange={setMasked} />
          <ErrorNotice title="Could not mask this incident" message={shown.message} onRetry={shown.retry} />
        </div>
      ) : shown?.kind === 'loading' ? (
        <p className="detail-message muted" aria-busy="true" data-testid="detail-masking">
          Masking sensitive values…
        </p>
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

function MaskToggle({ masked, onChange }: { masked: boolean; onChange: (masked: boolean) => void }) {
  return (
    <label className="mask-toggle" title="Show the incident as the LLM and masking channels see it">
      <span className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={masked}
          onChange={(e) => onChange(e.target.checked)}
          data-testid="detail-masked-toggle"
        />
        <span className="switch-track" aria-hidden="true" />
      </span>
      Mask sensitive values
    </label>
  );
}

function DetailBody({
  detail,
  refreshing,
  masked,
  onMaskedChange,
}: {
  detail: IncidentDetail;
  refreshing: boolean;
  masked: boolean;
  onMaskedChange: (masked: boolean) => void;
}) {
  const { incident, timeline, events, intel } = detail;
  const hasMitre = incident.mitre.tactics.length > 0 || incident.mitre.techniques.length > 0;

  return (
    <div className="detail-scroll" aria-busy={refreshing}>
      <header className="detail-header">
        <div className="detail-badges">
          <SeverityBadge severity={incident.severity} />
          <StatusBadge status={incident.status} testId="incident-status" />
          <span className="detail-assignee" data-testid="detail-assignee">
            {incident.assignee ? (
              <>
                <span className="muted">Assignee</span> {incident.assignee}
              </>
            ) : (
              <span className="muted">Unassigned</span>
            )}
          </span>
          {incident.category && <span className="tag">{incident.category}</span>}
        </div>
        <h2 className="detail-title" data-testid="incident-detail-title">
          {showHidden(incident.title)}
        </h2>
        <div className="detail-subhead">
          <span className="detail-id mono" title="Incident id">
            {incident.id}
          </span>
          <MaskToggle masked={masked} onChange={onMaskedChange} />
        </div>
        {masked && (
          <p className="mask-note" data-testid="detail-masked-note">
            Users, hosts, addresses and paths are replaced by placeholders, as the LLM and masking channels
            see them. Hashes stay readable.
          </p>
        )}
      </header>

      <DetailActions incident={incident} timeline={timeline} />

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
        {incident.vendorStatus && <Fact label="Vendor status">{incident.vendorStatus}</Fact>}
        {incident.vendorId && (
          <Fact label="Vendor id">
            <span className="mono">{incident.vendorId}</span>
          </Fact>
        )}
        {incident.consoleUrl && (
          <Fact label="Console">
            {masked ? (
              <span className="mono break">{incident.consoleUrl}</span>
            ) : (
              <a
                className="mono break"
                href={incident.consoleUrl}
                target="_blank"
                rel="noopener noreferrer"
                aria-label={`Open in the source console: ${incident.consoleUrl} (opens in a new window)`}
              >
                {incident.consoleUrl}
              </a>
            )}
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

      <Section title={`Threat intel (${String(intel.length)})`} testId="detail-intel-section">
        <IntelList intel={intel} masked={masked} />
      </Section>

      <Section title="Description">
        {incident.description ? (
          <p className="description">{showHidden(incident.description)}</p>
        ) : (
          <p className="muted">The source sent no description.</p>
        )}
      </Section>

      <Section title="Entities">
        <EntityGroups entities={incident.entities} />
      </Section>

      {hasMitre && (
        <Section title="MITRE ATT&CK">
          <MitreList mitre={incident.mitre} />
        </Section>
      )}

      <Section title={`Timeline (${String(timeline.length)})`}>
        <IncidentTimeline entries={timeline} />
      </Section>

      <Section title={`Raw events (${String(events.length)})`}>
        <RawEventList events={events} />
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

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  const headingId = useId();
  return (
    <section className="detail-section" aria-labelledby={headingId} data-testid={testId}>
      <h3 className="section-title" id={headingId}>
        {title}
      </h3>
      {children}
    </section>
  );
}
