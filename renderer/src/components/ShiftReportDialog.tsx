import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';

import { formatCount } from '../lib/format';
import { useStore } from '../store';
import { ApiError, call, messageOf } from '../transport';
import { downloadFile } from './ExportMenu';
import type { Preset } from './shift-report-period';
import { PRESET_HOURS, periodOf, toZonedInput } from './shift-report-period';
import '../styles/reports.css';

type Format = 'pdf' | 'html';

type Phase =
  | { kind: 'idle' }
  | { kind: 'working'; format: Format }
  | { kind: 'done'; filename: string; rows: number; truncated: boolean }
  | { kind: 'error'; format: Format; code: string; message: string };

/** "Shift report" and its dialog; place it in any toolbar. */
export function ShiftReportButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          setOpen(true);
        }}
        data-testid="shift-report-open"
      >
        Shift report
      </button>
      {open && (
        <ShiftReportDialog
          onClose={() => {
            setOpen(false);
          }}
        />
      )}
    </>
  );
}

const PRESET_LABEL: Record<Preset, string> = {
  '8': 'Last 8 h',
  '12': 'Last 12 h',
  '24': 'Last 24 h',
  custom: 'Custom',
};
const PRESETS: Preset[] = [...PRESET_HOURS.map((h) => String(h) as Preset), 'custom'];

/**
 * The shift report: a period (last 8 / 12 / 24 hours or custom, in the
 * console's time zone), PDF or HTML, masked or not; Generate downloads the
 * file, and every failure says what to do next (no PDF engine: take HTML).
 */
export function ShiftReportDialog({ onClose }: { onClose: () => void }) {
  const uid = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const timeZone = useStore((s) => s.systemStatus?.timeZone ?? 'local');
  const zoneLabel = timeZone === 'local' ? 'this computer’s time zone' : timeZone;
  const [preset, setPreset] = useState<Preset>('12');
  const [custom, setCustom] = useState(() => {
    const now = Date.now();
    return {
      from: toZonedInput(new Date(now - 12 * 3_600_000).toISOString(), timeZone),
      to: toZonedInput(new Date(now).toISOString(), timeZone),
    };
  });
  const [format, setFormat] = useState<Format>('pdf');
  const [masked, setMasked] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [periodError, setPeriodError] = useState<string | null>(null);
  const working = phase.kind === 'working';
  // A report that finishes after the dialog closed is not downloaded behind the analyst's back.
  const openRef = useRef(true);

  useEffect(() => {
    const dialog = dialogRef.current;
    openRef.current = true;
    if (dialog && !dialog.open) dialog.showModal();
    document.getElementById(`${uid}-generate`)?.focus();
    return () => {
      openRef.current = false;
      if (dialog?.open) dialog.close();
    };
  }, [uid]);

  const generate = (as: Format) => {
    const period = periodOf(preset, Date.now(), custom, timeZone);
    if ('error' in period) {
      setPeriodError(period.error);
      return;
    }
    setPeriodError(null);
    setFormat(as);
    setPhase({ kind: 'working', format: as });
    call('reports.shift', { ...period, format: as, masked })
      .then((file) => {
        if (!openRef.current) return;
        downloadFile(file);
        setPhase({ kind: 'done', filename: file.filename, rows: file.rows, truncated: file.truncated });
      })
      .catch((error: unknown) => {
        if (!openRef.current) return;
        setPhase({
          kind: 'error',
          format: as,
          code: error instanceof ApiError ? error.code : 'internal',
          message: messageOf(error),
        });
      });
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!working) generate(format);
  };

  return (
    <dialog
      ref={dialogRef}
      className="modal report-dialog"
      aria-labelledby={`${uid}-title`}
      data-testid="shift-report-dialog"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClose={() => {
        if (!dialogRef.current?.open) onClose();
      }}
    >
      <form className="report-form" onSubmit={submit} noValidate>
        <header className="report-head">
          <h2 id={`${uid}-title`} className="report-title">
            Shift report
          </h2>
          <span className="muted small">Incidents first seen in the period, with what became of them</span>
        </header>

        <div className="report-body">
          <fieldset className="report-fieldset" disabled={working}>
            <legend className="field-label">Period</legend>
            <div className="report-presets" role="radiogroup" aria-label="Period">
              {PRESETS.map((p) => (
                <label key={p} className={`report-chip${preset === p ? ' report-chip-on' : ''}`}>
                  <input
                    type="radio"
                    name={`${uid}-preset`}
                    value={p}
                    checked={preset === p}
                    onChange={() => {
                      setPreset(p);
                      setPeriodError(null);
                    }}
                    data-testid="shift-report-preset"
                    data-preset={p}
                  />
                  <span>{PRESET_LABEL[p]}</span>
                </label>
              ))}
            </div>
            {preset === 'custom' && (
              <div className="report-custom">
                <label className="field">
                  <span className="field-label">From</span>
                  <input
                    type="datetime-local"
                    className="input"
                    value={custom.from}
                    onChange={(e) => {
                      setCustom((c) => ({ ...c, from: e.target.value }));
                    }}
                    data-testid="shift-report-from"
                  />
                </label>
                <label className="field">
                  <span className="field-label">To</span>
                  <input
                    type="datetime-local"
                    className="input"
                    value={custom.to}
                    onChange={(e) => {
                      setCustom((c) => ({ ...c, to: e.target.value }));
                    }}
                    data-testid="shift-report-to"
                  />
                </label>
              </div>
            )}
            <p className="field-help">
              Times in {zoneLabel}
              {preset !== 'custom' ? ', ending now' : ''}.
            </p>
            {periodError && (
              <p className="field-error" role="alert" data-testid="shift-report-period-error">
                {periodError}
              </p>
            )}
          </fieldset>

          <fieldset className="report-fieldset" disabled={working}>
            <legend className="field-label">Format</legend>
            <div className="report-presets" role="radiogroup" aria-label="Format">
              {(['pdf', 'html'] as const).map((f) => (
                <label key={f} className={`report-chip${format === f ? ' report-chip-on' : ''}`}>
                  <input
                    type="radio"
                    name={`${uid}-format`}
                    value={f}
                    checked={format === f}
                    onChange={() => {
                      setFormat(f);
                    }}
                    data-testid={`shift-report-format-${f}`}
                  />
                  <span>{f === 'pdf' ? 'PDF' : 'HTML (opens in any browser, prints to PDF)'}</span>
                </label>
              ))}
            </div>
            <label className="check report-check">
              <input
                type="checkbox"
                checked={masked}
                onChange={(e) => {
                  setMasked(e.target.checked);
                }}
                data-testid="shift-report-masked"
              />
              <span>Mask hosts, users, addresses and paths (for sharing outside the team)</span>
            </label>
          </fieldset>

          <ReportPhase
            phase={phase}
            onHtml={() => {
              generate('html');
            }}
            onRetry={() => {
              generate(phase.kind === 'error' ? phase.format : format);
            }}
          />
        </div>

        <footer className="report-actions">
          <button type="button" className="btn" onClick={onClose} data-testid="shift-report-close">
            {phase.kind === 'done' ? 'Close' : 'Cancel'}
          </button>
          <button
            id={`${uid}-generate`}
            type="submit"
            className="btn btn-primary"
            disabled={working}
            data-testid="shift-report-generate"
          >
            {working ? 'Generating…' : `Generate ${format.toUpperCase()}`}
          </button>
        </footer>
      </form>
    </dialog>
  );
}

function ReportPhase({ phase, onHtml, onRetry }: { phase: Phase; onHtml: () => void; onRetry: () => void }) {
  switch (phase.kind) {
    case 'idle':
      return null;
    case 'working':
      return (
        <div className="report-progress" data-testid="shift-report-progress" role="status">
          <div className="report-meter" role="progressbar" aria-label="Generating the report">
            <div className="report-meter-fill" />
          </div>
          <span className="small muted">
            {phase.format === 'pdf'
              ? 'Generating the report and printing it to PDF: seconds for a normal shift, up to half a minute for thousands of incidents…'
              : 'Generating the report…'}
          </span>
        </div>
      );
    case 'done':
      return (
        <div className="notice report-done" role="status" data-testid="shift-report-done">
          <div className="notice-text">
            <span>
              Downloaded <span className="mono break">{phase.filename}</span> ({formatCount(phase.rows)}{' '}
              {phase.rows === 1 ? 'incident' : 'incidents'}).
            </span>
            {phase.truncated && (
              <span className="text-warn small">
                The period holds more incidents than a report lists; the figures count all of them. Choose a
                shorter period for a complete list.
              </span>
            )}
          </div>
        </div>
      );
    case 'error': {
      const noEngine = phase.format === 'pdf' && phase.code === 'unavailable';
      return (
        <div className="notice notice-error report-error" role="alert" data-testid="shift-report-error">
          <div className="notice-text">
            <strong>
              {noEngine
                ? phase.message.startsWith('no PDF engine')
                  ? 'This server cannot print PDFs'
                  : 'The PDF could not be printed'
                : phase.code === 'bad_request'
                  ? 'Check the period'
                  : 'The report could not be generated'}
            </strong>
            <span>{phase.message}</span>
          </div>
          <div className="report-error-actions">
            {phase.format === 'pdf' && (
              <button
                type="button"
                className="btn btn-small btn-primary"
                onClick={onHtml}
                data-testid="shift-report-html-instead"
              >
                Download HTML instead
              </button>
            )}
            {phase.code !== 'bad_request' && !(noEngine && phase.message.startsWith('no PDF engine')) && (
              <button
                type="button"
                className="btn btn-small"
                onClick={onRetry}
                data-testid="shift-report-retry"
              >
                Try again
              </button>
            )}
          </div>
        </div>
      );
    }
  }
}
