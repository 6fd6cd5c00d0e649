import { useId, useMemo } from 'react';

import type { DashboardStats } from '../../../shared/ipc/contract';
import { formatAbsolute, formatCount } from '../lib/format';

type Bucket = DashboardStats['perHour'][number];

/** Chart height in viewBox units; the width is one unit per hour, stretched to the card. */
const HEIGHT = 100;

/** "MM-DD HH:00" in the display time zone. */
function hourLabel(iso: string): string {
  return formatAbsolute(iso).slice(5, 16);
}

/** A tick every `step` hours so labels never crowd (about eight across). */
function tickStep(hours: number): number {
  for (const step of [1, 3, 6, 12, 24, 48, 72, 120, 168]) if (hours / step <= 8) return step;
  return 240;
}

/**
 * Incidents per hour as stacked bars (critical on top, in red), drawn as
 * inline SVG so nothing is loaded. Screen readers get the title and a
 * summary, and a visually hidden table with every hour that saw anything.
 */
export function PerHourChart({ buckets }: { buckets: readonly Bucket[] }) {
  const titleId = useId();
  const descId = useId();
  const { max, total, critical, peak } = useMemo(() => {
    let maxValue = 0;
    let sum = 0;
    let crit = 0;
    let peakBucket: Bucket | null = null;
    for (const bucket of buckets) {
      sum += bucket.total;
      crit += bucket.critical;
      if (bucket.total > maxValue) {
        maxValue = bucket.total;
        peakBucket = bucket;
      }
    }
    return { max: maxValue, total: sum, critical: crit, peak: peakBucket };
  }, [buckets]);

  if (buckets.length === 0) return <p className="muted">No hours in this window.</p>;

  const width = buckets.length;
  const scale = max > 0 ? HEIGHT / max : 0;
  const step = tickStep(buckets.length);
  const ticks = buckets
    .map((bucket, index) => ({ bucket, index }))
    .filter(({ bucket, index }) => index % step === 0 && Boolean(bucket.hour));
  const summary =
    total === 0
      ? `No incidents in these ${String(buckets.length)} hours.`
      : `${formatCount(total)} incidents over ${String(buckets.length)} hours, ${formatCount(critical)} critical. ` +
        `Busiest hour: ${peak ? hourLabel(peak.hour) : '—'} with ${formatCount(max)}.`;

  return (
    <figure className="per-hour" data-testid="dash-per-hour" data-total={total} data-hours={buckets.length}>
      <div className="per-hour-plot">
        <span className="per-hour-max mono" aria-hidden="true">
          {formatCount(max)}
        </span>
        <svg
          className="per-hour-svg"
          viewBox={`0 0 ${String(width)} ${String(HEIGHT)}`}
          preserveAspectRatio="none"
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
        >
          <title id={titleId}>Incidents per hour</title>
          <desc id={descId}>{summary}</desc>
          <line className="per-hour-base" x1="0" x2={width} y1={HEIGHT} y2={HEIGHT} />
          {buckets.map((bucket, index) => {
            if (bucket.total === 0) return null;
            const all = bucket.total * scale;
            const crit = bucket.critical * scale;
            return (
              <g
                key={bucket.hour}
                data-testid="dash-hour-bar"
                data-hour={bucket.hour}
                data-total={bucket.total}
              >
                <title>{`${hourLabel(bucket.hour)} · ${formatCount(bucket.total)} incidents, ${formatCount(bucket.critical)} critical`}</title>
                <rect
                  className="per-hour-bar"
                  x={index + 0.12}
                  width={0.76}
                  y={HEIGHT - all}
                  height={all - crit}
                />
                {crit > 0 && (
                  <rect
                    className="per-hour-crit"
                    x={index + 0.12}
                    width={0.76}
                    y={HEIGHT - crit}
                    height={crit}
                  />
                )}
              </g>
            );
          })}
        </svg>
      </div>
      <div className="per-hour-axis" aria-hidden="true">
        {ticks.map(({ bucket, index }) => (
          <span
            key={bucket.hour}
            className="per-hour-tick mono"
            style={{ left: `${String((index / width) * 100)}%` }}
          >
            {hourLabel(bucket.hour)}
          </span>
        ))}
      </div>
      <figcaption className="per-hour-legend">
        <span className="legend-swatch legend-all" aria-hidden="true" /> all severities
        <span className="legend-swatch legend-crit" aria-hidden="true" /> critical
      </figcaption>
      <table className="sr-only" data-testid="dash-per-hour-table">
        <caption>Incidents per hour (hours with none are left out)</caption>
        <thead>
          <tr>
            <th scope="col">Hour</th>
            <th scope="col">Incidents</th>
            <th scope="col">Critical</th>
          </tr>
        </thead>
        <tbody>
          {buckets
            .filter((bucket) => bucket.total > 0)
            .map((bucket) => (
              <tr key={bucket.hour}>
                <th scope="row">{hourLabel(bucket.hour)}</th>
                <td>{bucket.total}</td>
                <td>{bucket.critical}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </figure>
  );
}
