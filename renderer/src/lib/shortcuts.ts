/**
 * The incidents view's keyboard triage: one table that the key handler
 * (hooks/use-triage-keys.ts), the bulk bar and the shortcut help all read,
 * so what the help says is what the keys do.
 */
import type { Status } from '../../../shared/domain';

/** Status keys, in the order an incident usually moves through them. */
export const TRIAGE_ACTIONS: readonly { key: string; status: Status; label: string; testId: string }[] = [
  { key: 'a', status: 'acknowledged', label: 'Acknowledge', testId: 'acknowledged' },
  { key: 'i', status: 'in_progress', label: 'In progress', testId: 'in-progress' },
  { key: 'r', status: 'resolved', label: 'Resolve', testId: 'resolved' },
  { key: 'c', status: 'closed', label: 'Close', testId: 'closed' },
  { key: 'f', status: 'false_positive', label: 'False positive', testId: 'false-positive' },
];

export interface ShortcutGroup {
  title: string;
  items: readonly { keys: readonly string[]; label: string }[];
}

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    title: 'Move',
    items: [
      { keys: ['j', '↓'], label: 'Next incident' },
      { keys: ['k', '↑'], label: 'Previous incident' },
      { keys: ['PgDn', 'PgUp'], label: 'A screen down / up (in the list)' },
      { keys: ['Home', 'End'], label: 'First / last loaded incident (in the list)' },
      { keys: ['Enter', 'o'], label: 'Open the incident’s detail' },
      { keys: ['Esc'], label: 'Close the detail' },
    ],
  },
  {
    title: 'Triage — the ticked incidents, or the current one when none is ticked',
    items: [
      ...TRIAGE_ACTIONS.map((action) => ({ keys: [action.key], label: action.label })),
      { keys: ['s'], label: 'Assign to an analyst…' },
    ],
  },
  {
    title: 'Select for bulk actions',
    items: [
      { keys: ['x', 'Space'], label: 'Tick / untick the current incident' },
      { keys: ['Shift+x'], label: 'Tick every incident from the last ticked one to the current one' },
    ],
  },
  {
    title: 'Find',
    items: [
      { keys: ['/'], label: 'Search (Enter or Esc keeps it and goes back to the list)' },
      { keys: ['?'], label: 'This help' },
    ],
  },
];

/** Keys typed into a text field are text, never shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(target.type);
  }
  return false;
}
