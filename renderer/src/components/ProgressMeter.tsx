import type { ReactNode } from 'react';

/** A labelled bar for long work (backup, restore, export): how far, in percent, with a line of text under it. */
export function ProgressMeter({
  label,
  percent,
  children,
  testId,
  data,
}: {
  label: string;
  percent: number;
  /** The text under the bar: what is happening, how much is done. */
  children: ReactNode;
  testId: string;
  /** Extra data-* attributes for tests and styles (without the data- prefix). */
  data?: Record<string, string>;
}) {
  const rounded = Math.max(0, Math.min(100, Math.round(percent)));
  const extra = Object.fromEntries(Object.entries(data ?? {}).map(([key, value]) => [`data-${key}`, value]));
  return (
    <div
      className="meter"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={rounded}
      data-testid={testId}
      data-percent={rounded}
      {...extra}
    >
      <div className="meter-track">
        <div className="meter-fill" style={{ width: `${String(rounded)}%` }} />
      </div>
      <div className="meter-text small">{children}</div>
    </div>
  );
}
