import { useCallback, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { AssignDialog, BulkBar, TriageResultLine } from '../components/BulkBar';
import { ExportMenu } from '../components/ExportMenu';
import { FilterBar } from '../components/FilterBar';
import { IncidentDetailPane } from '../components/IncidentDetailPane';
import { IncidentList, totalLabel } from '../components/IncidentList';
import type { IncidentListHandle } from '../components/IncidentList';
import { ShiftReportButton } from '../components/ShiftReportDialog';
import { ShortcutHelp } from '../components/ShortcutHelp';
import { useTriageKeys } from '../hooks/use-triage-keys';
import { formatCount } from '../lib/format';
import { useStore } from '../store';
import '../styles/incidents.css';

export function IncidentsView() {
  const { total, totalCapped, shown, listState, detailOpen, incoming } = useStore(
    useShallow((s) => ({
      total: s.total,
      totalCapped: s.totalCapped,
      shown: s.items.length,
      listState: s.listState,
      detailOpen: s.detailOpen,
      incoming: s.incoming,
    })),
  );
  const list = useRef<IncidentListHandle>(null);
  const search = useRef<HTMLInputElement>(null);
  const helpButton = useRef<HTMLButtonElement>(null);
  const [dialog, setDialog] = useState<'help' | 'assign' | null>(null);

  useEffect(() => {
    // The list is a cache that survives navigation; fetch it only the first time.
    const state = useStore.getState();
    if (state.listState === 'idle') void state.loadIncidents();
  }, []);

  const openHelp = useCallback(() => {
    setDialog('help');
  }, []);
  const openAssign = useCallback(() => {
    setDialog('assign');
  }, []);
  const closeDialog = useCallback(() => {
    setDialog((was) => {
      // Focus goes back where the analyst works: the help button, or the list.
      if (was === 'help') helpButton.current?.focus();
      else list.current?.focus();
      return null;
    });
  }, []);
  const focusList = useCallback(() => {
    list.current?.focus();
  }, []);

  useTriageKeys({ list, search, openHelp, openAssign });

  return (
    <section className="view view-incidents" aria-labelledby="view-title">
      <div className="view-toolbar inc-toolbar">
        <h1 id="view-title" className="view-title" data-testid="view-title">
          Incidents
        </h1>
        <span className="view-subtitle mono" aria-live="polite" data-testid="incident-count">
          {listState === 'ready' || shown > 0
            ? `${totalLabel(total, totalCapped)} match${incoming > 0 ? ` · ${formatCount(incoming)} new` : ''}`
            : listState === 'loading'
              ? 'Loading…'
              : ''}
        </span>
        <div className="toolbar-spacer" />
        <ExportMenu />
        <ShiftReportButton />
        <button
          ref={helpButton}
          type="button"
          className="btn btn-small btn-ghost"
          onClick={openHelp}
          aria-keyshortcuts="?"
          data-testid="shortcut-help-button"
        >
          Shortcuts <kbd className="inc-kbd">?</kbd>
        </button>
      </div>
      <FilterBar searchRef={search} onLeave={focusList} />
      <BulkBar onAssign={openAssign} />
      <TriageResultLine />
      <div className={`split${detailOpen ? ' split-open' : ''}`}>
        <IncidentList handleRef={list} />
        {detailOpen && <IncidentDetailPane />}
      </div>
      {dialog === 'help' && <ShortcutHelp onClose={closeDialog} />}
      {dialog === 'assign' && <AssignDialog onClose={closeDialog} />}
    </section>
  );
}
