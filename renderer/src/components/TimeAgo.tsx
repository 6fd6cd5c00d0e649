import { useNow } from '../hooks/use-now';
import { formatAbsolute, formatRelative } from '../lib/format';

/** Relative time with the absolute one on hover; for places outside the memoized list rows. */
export function TimeAgo({ iso }: { iso: string | null }) {
  const now = useNow();
  return (
    <time dateTime={iso ?? undefined} title={formatAbsolute(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
