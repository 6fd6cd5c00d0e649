/**
 * The shift report's period: presets relative to now, and the custom inputs
 * (datetime-local, which has no zone) read as wall-clock time in the
 * console's zone (ui.timeZone), which need not be the browser's.
 */
import { zonedFormat } from '../lib/format';

export const PRESET_HOURS = [8, 12, 24] as const;
export type Preset = `${(typeof PRESET_HOURS)[number]}` | 'custom';

/** The longest period the core accepts (reports.shift). */
export const MAX_PERIOD_DAYS = 31;

function wallParts(ms: number, timeZone: string): Record<string, number> {
  const parts = zonedFormat(timeZone).formatToParts(ms);
  const out: Record<string, number> = {};
  for (const part of parts) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return out;
}

/** Minutes the zone is ahead of UTC at `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const p = wallParts(ms, timeZone);
  const asUtc = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** "2026-03-02T11:00" (a datetime-local value) for an instant, in `timeZone`. */
export function toZonedInput(iso: string, timeZone: string): string {
  const p = wallParts(Date.parse(iso), timeZone);
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  return `${String(p.year)}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/** The instant a datetime-local value names in `timeZone`, as ISO; null when it is not a valid value. */
export function fromZonedInput(value: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  if (timeZone === 'local') {
    const local = new Date(y, mo - 1, d, h, mi);
    return Number.isNaN(local.getTime()) ? null : local.toISOString();
  }
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset at the wall time read as UTC is off by at most one DST step; a second pass settles it.
  let at = wall - offsetMs(wall, timeZone);
  const again = wall - offsetMs(at, timeZone);
  if (again !== at) at = again;
  return new Date(at).toISOString();
}

/** [from, to) of a preset ending now, or of the custom inputs; or what is wrong with them. */
export function periodOf(
  preset: Preset,
  now: number,
  custom: { from: string; to: string },
  timeZone: string,
): { from: string; to: string } | { error: string } {
  if (preset !== 'custom') {
    const hours = Number(preset);
    return { from: new Date(now - hours * 3_600_000).toISOString(), to: new Date(now).toISOString() };
  }
  const from = fromZonedInput(custom.from, timeZone);
  const to = fromZonedInput(custom.to, timeZone);
  if (!from) return { error: 'Enter the start of the period.' };
  if (!to) return { error: 'Enter the end of the period.' };
  if (Date.parse(to) <= Date.parse(from)) return { error: 'The end must be after the start.' };
  if (Date.parse(to) - Date.parse(from) > MAX_PERIOD_DAYS * 86_400_000) {
    return { error: `A shift report covers at most ${String(MAX_PERIOD_DAYS)} days.` };
  }
  return { from, to };
}
