/**
 * The durable ceiling for the webhook ingest bench: the bare ceiling server
 * (scripts/bench-ceiling.ts) plus the least a webhook that answers "committed"
 * must do, which is to store the raw body in Vigil's own database (same
 * migrations, same raw_events repository) before the 202. Requests are
 * group-committed, one transaction per event-loop turn, like Vigil's ingestor;
 * there is no validation, no incident, no backup day file.
 *
 * It shows what share of the ceiling durability alone leaves on the machine,
 * so Vigil's figure can be read against both: no server that commits before
 * answering does better than this one, and the gap between it and Vigil is
 * Vigil's own work (validation, incident grouping, search and list indexes,
 * outbox, backup day file).
 *
 *   node --import tsx scripts/bench-durable.ts   (prints "Webhook: http://127.0.0.1:<port>/api/alert")
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openDatabase } from '../electron/core/db/database';
import type { NewRawEvent } from '../electron/core/db/repos/raw-events-repo';
import { createRawEventsRepo } from '../electron/core/db/repos/raw-events-repo';

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-durable-'));
const db = openDatabase(join(dir, 'durable.db'));
// No checkpoints during the run (the WAL just grows, in a temp dir): the most a durable server could do.
db.pragma('wal_autocheckpoint = 0');
const rawEvents = createRawEventsRepo(db);
const insertAll = db.transaction((events: NewRawEvent[]) => {
  for (const event of events) rawEvents.insert(event);
});

let received = 0;
let group: { event: NewRawEvent; answer: () => void }[] = [];
let flushing: NodeJS.Immediate | null = null;

function flush(): void {
  flushing = null;
  const committed = group;
  group = [];
  insertAll(committed.map((entry) => entry.event));
  for (const entry of committed) entry.answer();
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      JSON.parse(body);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad json"}');
      return;
    }
    const id = `evt_${++received}`;
    const event: NewRawEvent = {
      id,
      receivedAt: new Date().toISOString(),
      sourceKind: 'webhook',
      sourceId: 'api-alert',
      route: '/api/alert',
      dedupKey: null,
      body,
    };
    group.push({
      event,
      answer: () => {
        const answer = JSON.stringify({ id, incidentId: null, duplicate: false });
        res
          .writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) })
          .end(answer);
      },
    });
    flushing ??= setImmediate(flush);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`Webhook: http://127.0.0.1:${port}/api/alert\n`);
});
const stop = () =>
  server.close(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
