import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { SourceView } from '../../../shared/ipc/contract';
import { ErrorNotice } from '../components/ErrorNotice';
import { ListToolbar } from '../components/ListToolbar';
import { SourceForm } from '../components/SourceForm';
import { SourceRow, describeResult } from '../components/SourceRow';
import { useStore } from '../store';
import '../styles/sources.css';

/** Which form is open: a new source, or a snapshot of the one being edited (it may change underneath). */
type FormState = { mode: 'new' } | { mode: 'edit'; source: SourceView } | null;

export function SourcesView() {
  const s = useStore(
    useShallow((state) => ({
      sources: state.sources,
      sourcesState: state.sourcesState,
      sourcesError: state.sourcesError,
      sourcesBusy: state.sourcesBusy,
      sourceActionError: state.sourceActionError,
      sourceResults: state.sourceResults,
      sourceRunning: state.sourceRunning,
      demoBusy: state.demoBusy,
      demoError: state.demoError,
      loadSources: state.loadSources,
      setSourceEnabled: state.setSourceEnabled,
      startDemoFeed: state.startDemoFeed,
      testSource: state.testSource,
      pollSource: state.pollSource,
      removeSource: state.removeSource,
      clearSourceResult: state.clearSourceResult,
    })),
  );
  const [form, setForm] = useState<FormState>(null);
  const [announcement, setAnnouncement] = useState('');
  const addRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLElement | null>(null);
  const formWasOpen = useRef(false);

  useEffect(() => {
    // Health times (next run, last success) move on their own; a visit deserves a fresh read.
    void useStore.getState().loadSources();
  }, []);

  useEffect(() => {
    if (form) {
      formWasOpen.current = true;
      return;
    }
    if (!formWasOpen.current) return;
    formWasOpen.current = false;
    // Back to the button that opened the form; if its row is gone, to "Add source".
    const opener = openerRef.current;
    openerRef.current = null;
    (opener?.isConnected ? opener : addRef.current)?.focus();
  }, [form]);

  const existingIds = useMemo(() => s.sources.map((source) => source.id), [s.sources]);

  const openForm = (next: FormState, opener: HTMLElement | null): void => {
    openerRef.current = opener;
    setForm(next);
  };

  const run = async (id: string, action: (id: string) => Promise<void>): Promise<void> => {
    await action(id);
    const result = useStore.getState().sourceResults[id];
    const name = useStore.getState().sources.find((source) => source.id === id)?.name ?? id;
    if (result) setAnnouncement(`${name}: ${describeResult(result)}`);
  };

  const empty = s.sources.length === 0;

  return (
    <section className="view" aria-labelledby="view-title">
      <ListToolbar
        title="Sources"
        count={s.sources.length}
        refreshing={s.sourcesState === 'loading'}
        onRefresh={() => void s.loadSources()}
        addLabel="Add source"
        addTestId="source-add"
        addRef={addRef}
        onAdd={(opener) => {
          openForm({ mode: 'new' }, opener);
        }}
      />
      <div className="view-body">
        <div className="sources-sr-only" role="status" aria-live="polite">
          {announcement}
        </div>
        {s.sourcesState === 'error' && (
          <ErrorNotice
            title="Could not load sources"
            message={s.sourcesError ?? 'Unknown error'}
            onRetry={() => void s.loadSources()}
          />
        )}
        {s.sourceActionError && <ErrorNotice title="Source not changed" message={s.sourceActionError} />}
        {s.demoError && <ErrorNotice title="Demo feed did not start" message={s.demoError} />}

        {empty && s.sourcesState === 'loading' && <p className="muted">Loading sources…</p>}
        {empty && s.sourcesState === 'ready' && (
          <div className="placeholder">
            <p className="empty-title">No sources configured.</p>
            <p className="muted">
              Add a SentinelOne, MaxPatrol or Deep Instinct connection for Vigil to poll, or a webhook for any
              other product that can POST JSON. To see Vigil at work first, start the demo feed: it generates
              realistic incidents.
            </p>
            <div className="card-actions">
              <button
                type="button"
                className="btn btn-primary"
                onClick={(e) => {
                  openForm({ mode: 'new' }, e.currentTarget);
                }}
              >
                Add source
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => void s.startDemoFeed()}
                disabled={s.demoBusy}
                data-testid="sources-start-demo"
              >
                {s.demoBusy ? 'Starting…' : 'Start demo feed'}
              </button>
            </div>
          </div>
        )}

        {!empty && (
          <div className="table-wrap sources-table-wrap">
            <table className="table sources-table" data-testid="sources-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">Health</th>
                  <th scope="col">Last success</th>
                  <th scope="col">Last error</th>
                  <th scope="col" className="num">
                    Failures
                  </th>
                  <th scope="col">Next run</th>
                  <th scope="col" className="num">
                    Events
                  </th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {s.sources.map((source) => (
                  <SourceRow
                    key={source.id}
                    source={source}
                    toggling={s.sourcesBusy.includes(source.id)}
                    running={s.sourceRunning[source.id]}
                    result={s.sourceResults[source.id]}
                    onToggle={s.setSourceEnabled}
                    onEdit={(editing, opener) => {
                      openForm({ mode: 'edit', source: editing }, opener);
                    }}
                    onTest={(id) => run(id, s.testSource)}
                    onPoll={(id) => run(id, s.pollSource)}
                    onRemove={async (id) => {
                      const removed = await s.removeSource(id);
                      if (removed) {
                        setAnnouncement(`${source.name} removed`);
                        // The row and its buttons are gone; keep focus in the view.
                        addRef.current?.focus();
                      }
                      return removed;
                    }}
                    onDismissResult={s.clearSourceResult}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      {form && (
        <SourceForm
          original={form.mode === 'edit' ? form.source : null}
          existingIds={existingIds}
          onSaved={(saved) => {
            setAnnouncement(`${saved.name} saved`);
            setForm(null);
          }}
          onCancel={() => {
            setForm(null);
          }}
        />
      )}
    </section>
  );
}
