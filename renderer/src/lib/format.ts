import { formatZoned, zonedFormat } from '../../../shared/time';

export { SEVERITY_LABEL, STATUS_LABEL } from '../../../shared/labels';
export { zonedFormat } from '../../../shared/time';

let displayFormat = zonedFormat('local');

/** The zone every absolute time is shown in: the config's ui.timeZone ('local' = this machine's). */
export function setDisplayTimeZone(timeZone: string): void {
  try {
    displayFormat = zonedFormat(timeZone);
  } catch {
    displayFormat = zonedFormat('local');
  }
}

/**
 * Time in the configured zone as `YYYY-MM-DD HH:mm:ss`: sortable, unambiguous
 * across locales, and the shape analysts paste into tickets and SIEM queries.
 */
export function formatAbsolute(iso: string | null): string {
  if (!iso) return '—';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return formatZoned(displayFormat, time);
}

/** "12s ago", "5m ago", "3h ago", "4d ago"; `now` comes from a shared ticking clock. */
export function formatRelative(iso: string | null, now: number): string {
  if (!iso) return '—';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((now - time) / 1000);
  // The shared clock ticks every few seconds, so a fresh timestamp can sit slightly ahead of it.
  if (seconds < -60) return 'in the future';
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${String(seconds)}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${String(minutes)}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${String(hours)}h ago`;
  return `${String(Math.floor(hours / 24))}d ago`;
}

/** Pretty-prints a raw event body when it is JSON; anything else is shown as received. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body) as unknown, null, 2);
  } catch {
    return body;
  }
}

/**
 * Characters that change how text reads without being seen: bidirectional
 * overrides and isolates (U+202E makes "invoice\u202Etxt.exe" read
 * "invoiceexe.txt"), marks, zero-width spaces and non-joiners, word joiners,
 * the BOM. The zero-width joiner is left alone: it glues emoji.
 */
const HIDDEN_FORMAT = /[\u061C\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * Vendor text as it is shown: each hidden formatting character visible as
 * ⟨U+202E⟩, so a disguised file name or host reads as what it is. Only for
 * display; what is copied keeps the original characters.
 */
export function showHidden(text: string): string {
  return text.replace(
    HIDDEN_FORMAT,
    (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}

const numberFormat = new Intl.NumberFormat();

export function formatCount(value: number): string {
  return numberFormat.format(value);
}
