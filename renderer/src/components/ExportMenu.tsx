import { useEffect, useId, useRef, useState } from 'react';

import type { ExportFile } from '../../../shared/ipc/contract';
import { EXPORT_MAX_ROWS } from '../../../shared/ipc/contract';
import { formatCount } from '../lib/format';
import { normalizeFilters } from '../lib/route';
import { useStore } from '../store';
import { call, getTransport, messageOf } from '../transport';
import { ErrorNotice } from './ErrorNotice';
import { ProgressMeter } from './ProgressMeter';

type Format = 'csv' | 'json';

/** Saves a file the core produced, through a Blob and a download link (no file system access needed). */
export function downloadFile(file: ExportFile): void {
  const body =
    file.encoding === 'base64' ? Uint8Array.from(atob(file.content), (c) => c.charCodeAt(0)) : file.content;
  const url = URL.createObjectURL(new Blob([body], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once the click returns; a minute's grace costs nothing.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}

/**
 * Export of the incidents the current filters match (not only the loaded
 * rows), as CSV or JSON, optionally masked as channels and the LLM see them.
 */
export function ExportMenu() {
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<Format>('csv');
  const [masked, setMasked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ rows: number; total: number } | null>(null);
  const [result, setResult] = useState<{ file: string; rows: number; truncated: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const uid = useId();

  useEffect(() => {
    if (!open) return undefined;
    const onDown = (event: MouseEvent): void => {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    // Escape closes the popover wherever focus is (the Export button keeps it after a click).
    // Capture phase, and handled: it runs before the view's keys, so it does not also close the detail.
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [open]);

  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setResult(null);
    setProgress(null);
    // Events go to every open console: this export's own carry its id (not a secret, only a label).
    const progressId = `export-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const stop = getTransport().api.on('incidents.exportProgress', (event) => {
      if (event.progressId === progressId) setProgress({ rows: event.rows, total: event.total });
    });
    try {
      const filters = normalizeFilters(useStore.getState().filters);
      const file = await call('incidents.export', {
        ...filters,
        format,
        progressId,
        ...(masked ? { masked } : {}),
      });
      downloadFile(file);
      setResult({ file: file.filename, rows: file.rows, truncated: file.truncated });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      stop();
      setBusy(false);
      setProgress(null);
    }
  };

  return (
    <div className="export-menu">
      <button
        ref={button}
        type="button"
        className="btn btn-small"
        aria-expanded={open}
        aria-controls={`${uid}-panel`}
        onClick={() => {
          setOpen((was) => !was);
        }}
        data-testid="export-button"
      >
        Export <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          ref={panel}
          id={`${uid}-panel`}
          className="export-panel"
          role="group"
          aria-label="Export the filtered incidents"
          data-testid="export-panel"
        >
          <p className="muted small">
            Every incident the current filters match, up to {formatCount(EXPORT_MAX_ROWS)} rows.
          </p>
          <fieldset className="export-formats">
            <legend className="inc-field-label">Format</legend>
            {(['csv', 'json'] as const).map((value) => (
              <label key={value} className="export-choice">
                <input
                  type="radio"
                  name={`${uid}-format`}
                  value={value}
                  checked={format === value}
                  onChange={() => {
                    setFormat(value);
                  }}
                  data-testid={`export-format-${value}`}
                />
                {value.toUpperCase()}
              </label>
            ))}
          </fieldset>
          <label className="export-choice">
            <input
              type="checkbox"
              checked={masked}
              onChange={(e) => {
                setMasked(e.currentTarget.checked);
              }}
              data-testid="export-masked"
            />
            Masked (users, hosts, IPs replaced by pseudonyms)
          </label>
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={busy}
            onClick={() => void run()}
            data-testid="export-download"
          >
            {busy ? 'Exporting…' : `Download ${format.toUpperCase()}`}
          </button>
          {busy && progress && progress.total > 0 && (
            <ProgressMeter
              label="Export progress"
              percent={(progress.rows / progress.total) * 100}
              testId="export-progress"
            >
              <span>
                {formatCount(progress.rows)} of {formatCount(progress.total)} incidents
              </span>
            </ProgressMeter>
          )}
          {result && (
            <p className="export-result" role="status" data-testid="export-result">
              Saved {result.file}: {formatCount(result.rows)} row{result.rows === 1 ? '' : 's'}.
              {result.truncated && (
                <strong className="text-warn">
                  {' '}
                  Truncated at {formatCount(EXPORT_MAX_ROWS)}: narrow the filters to export the rest.
                </strong>
              )}
            </p>
          )}
          {error && <ErrorNotice title="Export failed" message={error} />}
        </div>
      )}
    </div>
  );
}
