import { useEffect, useState } from 'react';

import type { Analysis } from '../../../shared/domain';
import { formatAbsolute, formatCount } from '../lib/format';
import { useStore } from '../store';
import { call, getTransport, messageOf } from '../transport';
import { ErrorNotice } from './ErrorNotice';
import { SeverityBadge } from './SeverityBadge';

import '../styles/ai.css';

/**
 * The incident's AI triage: the summary, the model's own severity call,
 * mitigation and investigation steps (real values restored by the core), how
 * it was made, and why it failed or was skipped. "Analyze" asks for one now
 * (below ai.minSeverity too); once an answer exists it asks for a fresh one.
 * The panel follows `incidents.analysis` pushes for its incident.
 */
export function AnalysisPanel({ incidentId, analysis }: { incidentId: string; analysis: Analysis | null }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);

  useEffect(
    () =>
      getTransport().api.on('incidents.analysis', (event) => {
        if (event.incidentId === incidentId) void useStore.getState().refreshDetail();
      }),
    [incidentId],
  );

  const state = analysis?.state ?? 'none';
  const pending = state === 'pending';

  const analyze = () => {
    setBusy(true);
    setNote(null);
    call('ai.analyze', { id: incidentId, force: state === 'done' })
      .then((outcome) => {
        setNote({ tone: outcome.state === 'skipped' ? 'error' : 'info', text: outcome.message });
        void useStore.getState().refreshDetail();
      })
      .catch((error: unknown) => setNote({ tone: 'error', text: messageOf(error) }))
      .finally(() => setBusy(false));
  };

  return (
    <section
      className="detail-section ai-panel"
      data-testid="ai-analysis"
      data-state={state}
      aria-busy={pending}
    >
      <div className="ai-head">
        <h3 className="section-title">AI analysis</h3>
        <button
          type="button"
          className={`btn btn-small ${state === 'done' ? 'btn-ghost' : 'btn-primary'}`}
          onClick={analyze}
          disabled={busy || pending}
          data-testid="ai-analyze"
        >
          {busy ? 'Asking…' : pending ? 'Analysing…' : state === 'done' ? 'Analyze again' : 'Analyze'}
        </button>
      </div>

      {/* "Queued" is news only until the answer arrives; a refusal stays until the next click. */}
      {note && (note.tone === 'error' || pending) && (
        <p className={`ai-note ${note.tone === 'error' ? 'ai-note-error' : 'muted'}`} role="status">
          {note.text}
        </p>
      )}

      {state === 'none' && (
        <p className="muted">
          Not analysed. Sensitive values are masked before anything is sent to the model.
        </p>
      )}
      {pending && (
        <p className="muted ai-pending">
          <span className="ai-spinner" aria-hidden="true" /> Waiting for the model…
        </p>
      )}
      {analysis && (state === 'failed' || state === 'skipped') && (
        <div data-testid="ai-error">
          <ErrorNotice
            title={state === 'failed' ? 'The analysis failed' : 'Not analysed'}
            message={analysis.error ?? 'No reason was recorded.'}
          />
        </div>
      )}
      {analysis && state === 'done' && <AnalysisBody analysis={analysis} />}
    </section>
  );
}

function AnalysisBody({ analysis }: { analysis: Analysis }) {
  return (
    <div className="ai-body">
      {analysis.summary && (
        <p className="ai-summary" data-testid="ai-summary">
          {analysis.summary}
        </p>
      )}
      {analysis.severityAssessment && (
        <div className="ai-assessment">
          <span className="muted small">Model’s severity</span>
          <SeverityBadge severity={analysis.severityAssessment.severity} />
          {analysis.confidence !== null && (
            <span className="ai-confidence" title="The model’s own confidence">
              {Math.round(analysis.confidence * 100)}% confident
            </span>
          )}
          {analysis.severityAssessment.rationale && (
            <p className="ai-rationale">{analysis.severityAssessment.rationale}</p>
          )}
        </div>
      )}
      <Steps title="Mitigation" steps={analysis.mitigationSteps} testId="ai-mitigation" />
      <Steps title="Investigation" steps={analysis.investigationSteps} testId="ai-investigation" />
      <p className="ai-meta muted small" data-testid="ai-meta">
        {analysis.model ?? 'unknown model'}
        {analysis.cached ? (
          <> · reused from an earlier incident like this one</>
        ) : (
          <>
            {analysis.promptTokens !== null && analysis.completionTokens !== null && (
              <> · {formatCount(analysis.promptTokens + analysis.completionTokens)} tokens</>
            )}
            {analysis.latencyMs !== null && <> · {(analysis.latencyMs / 1000).toFixed(1)} s</>}
          </>
        )}{' '}
        · {formatAbsolute(analysis.createdAt)}
      </p>
    </div>
  );
}

function Steps({ title, steps, testId }: { title: string; steps: readonly string[]; testId: string }) {
  if (steps.length === 0) return null;
  return (
    <div className="ai-steps">
      <h4 className="ai-steps-title">{title}</h4>
      <ol data-testid={testId}>
        {steps.map((step, index) => (
          <li key={`${String(index)}:${step}`}>{step}</li>
        ))}
      </ol>
    </div>
  );
}
