/**
 * The ceiling for the webhook ingest bench: the least an HTTP endpoint can do
 * with an alert (read the body, parse the JSON, answer 202 with a small JSON)
 * under the same Node, in its own process like the headless shell. Vigil's
 * ingest throughput is reported as a share of this one's.
 *
 *   node --import tsx scripts/bench-ceiling.ts   (prints "Webhook: http://127.0.0.1:<port>/api/alert")
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let received = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad json"}');
      return;
    }
    received++;
    const answer = JSON.stringify({ accepted: true, id: `inc_${received}` });
    res
      .writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) })
      .end(answer);
  });
});
// Same keep-alive window as a stock Node server, so the load generator reuses its sockets for both.
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`Webhook: http://127.0.0.1:${port}/api/alert\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
