import { useEffect, useRef } from 'react';
import type { RefObject } from 'react';

import type { IncidentListHandle } from '../components/IncidentList';
import { TRIAGE_ACTIONS, isTypingTarget } from '../lib/shortcuts';
import { useStore } from '../store';

interface TriageKeysOptions {
  list: RefObject<IncidentListHandle | null>;
  search: RefObject<HTMLInputElement | null>;
  openHelp: () => void;
  openAssign: () => void;
}

/**
 * The incidents view's single-key shortcuts (lib/shortcuts.ts lists them),
 * on the document while the view is mounted. Keys typed into a text field,
 * inside a dialog, with a modifier, or already handled by the list (arrows,
 * Enter, Space) are left alone.
 */
export function useTriageKeys(options: TriageKeysOptions): void {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (isTypingTarget(event.target)) return;
      if (event.target instanceof Element && event.target.closest('dialog')) return;
      const { list, search, openHelp, openAssign } = latest.current;
      const state = useStore.getState();

      const moveTo = (to: 'next' | 'previous'): void => {
        // Keys pressed with nothing focused still land in the list, so screen readers follow the cursor.
        if (document.activeElement === document.body || document.activeElement === null)
          list.current?.focus();
        list.current?.move(to);
      };

      const action = TRIAGE_ACTIONS.find((a) => a.key === event.key);
      let handled = true;
      if (action) {
        void state.triageStatus(action.status);
      } else {
        switch (event.key) {
          case 'j':
            moveTo('next');
            break;
          case 'k':
            moveTo('previous');
            break;
          case 'o':
            if (state.selectedId) state.openIncident(state.selectedId);
            else handled = false;
            break;
          case 'Escape':
            if (state.detailOpen) {
              state.closeIncident();
              list.current?.focus();
            } else handled = false;
            break;
          case 'x':
          case 'X':
            if (state.selectedId) state.toggleChecked(state.selectedId, event.key === 'X');
            else handled = false;
            break;
          case 's':
            if (state.checked.size > 0 || state.selectedId) openAssign();
            else handled = false;
            break;
          case '/':
            search.current?.focus();
            search.current?.select();
            break;
          case '?':
            openHelp();
            break;
          default:
            handled = false;
        }
      }
      if (handled) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
    };
  }, []);
}
