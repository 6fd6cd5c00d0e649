import { useState } from 'react';
import type { ChangeEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { MethodResponse } from '../../../shared/ipc/contract';
import { useStore } from '../store';
import { call, messageOf } from '../transport';
import { ErrorNotice } from './ErrorNotice';

/** A seed config is a few kilobytes; the API refuses bodies over 1 MB anyway. */
const MAX_SEED_BYTES = 512 * 1024;

type ImportReport = MethodResponse<'config.importSeed'>;
type ImportState =
  | { phase: 'choosing'; error: string | null }
  | { phase: 'reading' }
  | { phase: 'done'; fileName: string; report: ImportReport };

/** Reads the chosen file as JSON in the browser; the core only ever sees the parsed document. */
async function readSeedFile(file: File): Promise<unknown> {
  if (file.size > MAX_SEED_BYTES)
    throw new Error(`${file.name} is larger than 512 KB; is it the config file?`);
  const text = await file.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file.name} is not valid JSON (${messageOf(error)})`);
  }
}

/**
 * The third way in: import the old scripts' config/config.json. Shows what
 * was imported and what was not (with the reason), then lets the user go on.
 */
function SeedImport({ busy, onContinue }: { busy: boolean; onContinue: () => void }) {
  const [state, setState] = useState<ImportState>({ phase: 'choosing', error: null });

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setState({ phase: 'reading' });
    try {
      const document = await readSeedFile(file);
      const report = await call('config.importSeed', { document });
      setState({ phase: 'done', fileName: file.name, report });
    } catch (error) {
      setState({ phase: 'choosing', error: messageOf(error) });
    }
  };

  const done = state.phase === 'done' ? state : null;
  const report = done?.report;
  return (
    <div className="field">
      <label className="field-label" htmlFor="setup-import-file">
        The scripts’ <span className="mono">config/config.json</span>
      </label>
      <input
        id="setup-import-file"
        className="input"
        type="file"
        accept=".json,application/json"
        onChange={(event) => void onFile(event)}
        disabled={state.phase === 'reading' || busy}
        data-testid="setup-import-file"
      />
      {state.phase === 'reading' && <p className="muted small">Importing…</p>}
      {state.phase === 'choosing' && state.error && (
        <ErrorNotice title="Import failed" message={state.error} />
      )}
      {done && report && (
        <div data-testid="setup-import-result" aria-live="polite">
          <p>
            {report.imported.length > 0
              ? `Imported ${report.imported.length} setting(s) from ${done.fileName}. Secrets were stored encrypted.`
              : `Nothing in ${done.fileName} could be imported; nothing was changed.`}
          </p>
          {report.imported.length > 0 && (
            <ul className="setup-points mono small break" data-testid="setup-import-imported">
              {report.imported.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          {report.unmapped.length > 0 && (
            <>
              <p className="muted">Not imported:</p>
              <ul className="setup-points small" data-testid="setup-import-unmapped">
                {report.unmapped.map(({ key, reason }, index) => (
                  <li key={`${index}:${key}`}>
                    <span className="mono">{key}</span>: {reason}
                  </li>
                ))}
              </ul>
            </>
          )}
          {report.imported.length > 0 && (
            <div className="setup-actions">
              <button
                type="button"
                className="btn btn-primary"
                onClick={onContinue}
                disabled={busy}
                data-testid="setup-import-continue"
              >
                {busy ? 'Finishing…' : 'Continue'}
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

export function SetupScreen() {
  const [importing, setImporting] = useState(false);
  const { setupBusy, setupError, startDemoFromSetup, skipSetup } = useStore(
    useShallow((s) => ({
      setupBusy: s.setupBusy,
      setupError: s.setupError,
      startDemoFromSetup: s.startDemoFromSetup,
      skipSetup: s.skipSetup,
    })),
  );

  return (
    <div className="screen-center">
      <section className="screen-card setup-card" aria-labelledby="setup-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Vigil
        </div>
        <h1 id="setup-title" className="screen-title" data-testid="view-title">
          Welcome to Vigil
        </h1>
        <p>
          Vigil gathers alerts from your security products — SentinelOne, MaxPatrol, Deep Instinct and
          anything that can post to a webhook — into one queue of incidents. Duplicates are folded together,
          every action is recorded on a timeline, and the incidents that matter are pushed to your team’s
          channels.
        </p>
        <ul className="setup-points">
          <li>
            <strong>Try it with the demo feed.</strong> A generator posts realistic incidents every few
            seconds, so you can explore triage, filters and notifications before connecting anything real.
          </li>
          <li>
            <strong>Or connect your own sources.</strong> Add API credentials under Sources, or point an alert
            forwarder at the webhook shown in Settings.
          </li>
          <li>
            <strong>Coming from the old scripts?</strong> Import their{' '}
            <span className="mono">config.json</span>: sources, channels and AI settings are set up from it,
            and anything that cannot be mapped is listed with the reason.
          </li>
        </ul>
        {setupError && <ErrorNotice title="Setup failed" message={setupError} />}
        <div className="setup-actions">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void startDemoFromSetup()}
            disabled={setupBusy !== null}
            data-testid="setup-start-demo"
          >
            {setupBusy === 'demo' ? 'Starting…' : 'Start demo feed'}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => void skipSetup()}
            disabled={setupBusy !== null}
            data-testid="setup-skip"
          >
            {setupBusy === 'skip' ? 'Finishing…' : 'Skip — I’ll configure sources'}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => setImporting(true)}
            disabled={setupBusy !== null || importing}
            aria-expanded={importing}
            data-testid="setup-import"
          >
            Import a config from the old scripts
          </button>
        </div>
        {importing && <SeedImport busy={setupBusy !== null} onContinue={() => void skipSetup()} />}
      </section>
    </div>
  );
}
