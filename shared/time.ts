/** Absolute times as both sides show them: `YYYY-MM-DD HH:mm:ss` in a configured zone. */

/**
 * Year to second, two digits each but the year, 24-hour, in `timeZone`
 * ('local' = this machine's); throws RangeError for an unknown zone. Building
 * one costs far more than using one: keep it.
 */
export function zonedFormat(timeZone: string): Intl.DateTimeFormat {
  // en-CA orders the parts year-month-day; hourCycle h23 keeps midnight at 00.
  return new Intl.DateTimeFormat('en-CA', {
    ...(timeZone === 'local' ? {} : { timeZone }),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
}

/** `ms` as `YYYY-MM-DD HH:mm:ss` through a `zonedFormat`. */
export function formatZoned(format: Intl.DateTimeFormat, ms: number): string {
  const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts.year ?? ''}-${parts.month ?? ''}-${parts.day ?? ''} ${parts.hour ?? ''}:${parts.minute ?? ''}:${parts.second ?? ''}`;
}
