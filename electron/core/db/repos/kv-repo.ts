import type { Db } from '../database';

/** Small durable values a service must keep across restarts (e.g. Telegram's update offset). */
export function createKvRepo(db: Db) {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?');
  const put = db.prepare<[string, string]>(
    'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  return {
    get: (key: string): string | null => get.get(key)?.value ?? null,
    put: (key: string, value: string): void => {
      put.run(key, value);
    },
  };
}

export type KvRepo = ReturnType<typeof createKvRepo>;
