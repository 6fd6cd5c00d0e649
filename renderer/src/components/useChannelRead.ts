import { useEffect, useState } from 'react';

import { useStore } from '../store';
import { messageOf } from '../transport';

/**
 * What a channel panel shows, read from the core: again on `reload` and
 * whenever a push reports a change on this channel. `read` should be stable
 * (a module-level function); an answer for an earlier read is dropped.
 */
export function useChannelRead<T>(
  channelId: string,
  read: (channelId: string) => Promise<T>,
): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Bumped by `reload`; a push on this channel bumps `revision`. */
  const [reads, setReads] = useState(0);
  const revision = useStore((s) => s.channelRevisions[channelId] ?? 0);

  useEffect(() => {
    let current = true;
    read(channelId).then(
      (answer) => {
        if (!current) return;
        setData(answer);
        setError(null);
      },
      (e: unknown) => {
        if (current) setError(messageOf(e));
      },
    );
    return () => {
      current = false;
    };
  }, [channelId, read, revision, reads]);

  const reload = (): void => {
    setReads((n) => n + 1);
  };

  return { data, error, reload };
}
