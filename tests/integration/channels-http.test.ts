/**
 * Teams and Mattermost channels end to end: alerts posted to the real
 * headless core are routed to channels whose webhooks are a real node:http
 * server on 127.0.0.1 that records every request and answers like the
 * services do (Workflows: 202 and no body; connector: "1"; Mattermost:
 * "ok" as text/plain — tests/fixtures/teams/README.md, mattermost/README.md),
 * or misbehaves on cue (500, 429 + Retry-After, 400 with a Logic Apps error,
 * 403, an HTML page, a slow answer). Each channel only takes one alert
 * category, so the cases share one core without seeing each other's alerts.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { ConfigInput } from '../../shared/config';
import type { ChannelView, IncidentDetail, MethodResponse } from '../../shared/ipc/contract';
import { ManualClock } from '../../electron/core/clock';
import { SEVERITY_STYLES, formatTime, postJson } from '../../electron/core/notify/channels/format';
import { Sanitizer } from '../../electron/core/sanitizer/sanitizer';
import { SourceError } from '../../electron/core/sources/source-error';
import { SEVERITIES } from '../../shared/domain';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';

type Json = Record<string, unknown>;

interface Recorded {
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Json;
}

interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** One server for every webhook: requests are recorded and answered per path. */
class FakeWebhooks {
  readonly requests: Recorded[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private readonly fallbacks = new Map<string, Answer>();
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        this.requests.push({
          path: url.pathname,
          query: url.search,
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json,
        });
        const answer =
          this.scripts.get(url.pathname)?.shift() ??
          this.fallbacks.get(url.pathname) ??
          defaultAnswer(url.pathname);
        const reply = () => {
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body ?? '');
        };
        if (answer.delayMs) setTimeout(reply, answer.delayMs);
        else reply();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers the next requests to `path` with these, in order, then with the fallback. */
  script(path: string, ...answers: Answer[]): void {
    this.scripts.set(path, answers);
  }

  fallback(path: string, answer: Answer): void {
    this.fallbacks.set(path, answer);
  }

  at(path: string): Recorded[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** How the real services answer success (README.md of each fixture folder). */
function defaultAnswer(path: string): Answer {
  if (path.startsWith('/workflows/')) return { status: 202 };
  if (path.startsWith('/webhookb2/'))
    return { status: 200, body: '1', headers: { 'Content-Type': 'text/plain' } };
  return { status: 200, body: 'ok', headers: { 'Content-Type': 'text/plain' } };
}

const SIG = 'sig-0123456789abcdef';
/** A Workflows trigger path and query shaped like the real one; the `sig` is the credential. */
const workflows = (name: string) => `/workflows/${name}/triggers/manual/paths/invoke`;
const workflowsQuery = `?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;
const LOGIC_APPS_400 = JSON.stringify({
  error: {
    code: 'InvalidRequestContent',
    message: 'The request content is not valid and could not be deserialized',
  },
});

const fake = new FakeWebhooks();
let app: Headless;

async function call<T>(method: string, args: unknown = {}): Promise<T> {
  const res = await app.rpc(method, args);
  const body = res.body as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${method} failed: ${body.error?.message}`);
  return body.value as T;
}

const outbox = (id: string) => call<MethodResponse<'channels.outbox'>>('channels.outbox', { id });
const channelView = async (id: string) =>
  (await call<ChannelView[]>('channels.list')).find((c) => c.id === id)!;
const channelTest = (id: string) => call<MethodResponse<'channels.test'>>('channels.test', { id });

async function postAlert(alert: Json): Promise<{ status: number; ms: number; incidentId: string }> {
  const started = Date.now();
  const res = await fetch(`${app.webhookUrl}/api/alert`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
    body: JSON.stringify(alert),
  });
  const body = (await res.json()) as { incidentId: string };
  return { status: res.status, ms: Date.now() - started, incidentId: body.incidentId };
}

const waitFor = <T>(check: () => T | Promise<T>, timeout = 5000) =>
  vi.waitFor(check, { timeout, interval: 25 });

/** The card of the Workflows message recorded at `index` for `path`. */
function cardAt(path: string, index = 0): Json {
  const request = fake.at(path)[index]!;
  return ((request.body.attachments as Json[])[0]!.content as Json) ?? {};
}

type ChannelInput = NonNullable<ConfigInput['channels']>[number];

const teams = (
  id: string,
  extra: { format?: 'adaptive' | 'legacy'; webhookUrl?: string } = {},
): ChannelInput => ({
  id,
  kind: 'teams',
  name: id,
  minSeverity: 'low',
  mask: false,
  categories: [id],
  webhookUrl: `${fake.url}${workflows(id)}${workflowsQuery}`,
  ...extra,
});

beforeAll(async () => {
  await fake.start();
  fake.script(workflows('teams_retry'), { status: 500, body: 'upstream exploded' });
  fake.script(workflows('teams_429'), {
    status: 429,
    body: '{"error":{"code":"WorkflowTriggerIsThrottled","message":"Rate limit exceeded"}}',
    headers: { 'Retry-After': '120', 'Content-Type': 'application/json' },
  });
  fake.fallback(workflows('teams_400'), {
    status: 400,
    body: LOGIC_APPS_400,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
  fake.script('/webhookb2/throttled/IncomingWebhook/abc', {
    status: 200,
    body: 'Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-canary-eus2-0',
  });
  fake.fallback('/hooks/forbidden', {
    status: 403,
    body: 'Invalid webhook',
    headers: { 'Content-Type': 'text/plain' },
  });
  app = await startHeadless({
    config: {
      channels: [
        teams('teams_card'),
        teams('teams_retry'),
        teams('teams_429'),
        teams('teams_400'),
        teams('teams_legacy', {
          format: 'legacy',
          webhookUrl: `${fake.url}/webhookb2/legacy/IncomingWebhook/abc`,
        }),
        teams('teams_throttled', {
          format: 'legacy',
          webhookUrl: `${fake.url}/webhookb2/throttled/IncomingWebhook/abc`,
        }),
        {
          id: 'mm',
          kind: 'mattermost',
          name: 'MM',
          minSeverity: 'info',
          mask: false,
          categories: ['mm'],
          webhookUrl: `${fake.url}/hooks/mm-key-0123`,
          channel: 'soc-alerts',
          username: 'Vigil SOC',
        },
        {
          id: 'mm_forbidden',
          kind: 'mattermost',
          name: 'MM forbidden',
          mask: false,
          categories: ['none'],
          webhookUrl: `${fake.url}/hooks/forbidden`,
        },
        { id: 'mm_unset', kind: 'mattermost', name: 'MM unset', mask: false, categories: ['none'] },
        {
          id: 'mm_real',
          kind: 'mattermost',
          name: 'MM real values',
          minSeverity: 'info',
          mask: false,
          categories: ['mm_real'],
          webhookUrl: `${fake.url}/hooks/mm-real`,
        },
        {
          id: 'teams_masked',
          kind: 'teams',
          name: 'masked',
          minSeverity: 'low',
          categories: ['teams_masked'],
          webhookUrl: `${fake.url}${workflows('teams_masked')}${workflowsQuery}`,
        },
      ],
    },
  });
});

afterAll(async () => {
  await app?.stop();
  await fake.stop();
});

describe('Teams Workflows (Adaptive Card)', () => {
  it('posts the card with the incident values and a header coloured by severity', async () => {
    const high = await postAlert({
      type: 'teams_card',
      severity: 'high',
      rule: 'Mimikatz <script>x</script>',
      target: 'ws-fin-014',
      ip: '203.0.113.9',
      source_log: 'lsass access by mimikatz.exe',
    });
    expect(high.status).toBe(202);
    await waitFor(() => expect(fake.at(workflows('teams_card'))).toHaveLength(1));
    const request = fake.at(workflows('teams_card'))[0]!;
    expect(request.query).toBe(workflowsQuery);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(request.body.type).toBe('message');
    const attachment = (request.body.attachments as Json[])[0]!;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.contentUrl).toBeNull();
    const card = attachment.content as Json;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const body = card.body as Json[];
    expect(body.map((b) => b.type)).toEqual(['Container', 'FactSet', 'TextBlock', 'Container']);
    expect(body[0]!.style).toBe('attention');
    expect((body[0]!.items as Json[])[1]!.text).toBe('Mimikatz <script>x</script> on ws-fin-014');

    const incident = (await call<IncidentDetail>('incidents.get', { id: high.incidentId })).incident;
    const facts = Object.fromEntries(
      (body[1]!.facts as { title: string; value: string }[]).map((f) => [f.title, f.value]),
    );
    expect(facts).toEqual({
      Severity: 'HIGH',
      Status: 'new',
      Source: `${incident.source.name} (${incident.source.kind})`,
      Host: 'ws-fin-014',
      'First seen': formatTime(incident.firstSeen),
      'Last seen': formatTime(incident.lastSeen),
      Count: '1',
      Category: 'teams_card',
    });
    expect(body[2]!.text).toBe('lsass access by mimikatz.exe');
    const events = (body[3]!.items as Json[]).slice(1);
    expect(events).toHaveLength(1);
    expect(events[0]!.text).toContain('"source_log":"lsass access by mimikatz.exe"');

    const medium = await postAlert({
      type: 'teams_card',
      severity: 'medium',
      rule: 'Odd login',
      target: 'ws-2',
    });
    expect(medium.status).toBe(202);
    await waitFor(() => expect(fake.at(workflows('teams_card'))).toHaveLength(2));
    expect((cardAt(workflows('teams_card'), 1).body as Json[])[0]!.style).toBe('warning');

    await waitFor(async () =>
      expect((await outbox('teams_card')).entries.map((e) => e.state)).toEqual(['sent', 'sent']),
    );
    const { deliveries } = await outbox('teams_card');
    expect(deliveries[0]).toMatchObject({ ok: true, detail: 'HTTP 202 (accepted by the workflow)' });
  });

  it('retries after a 500 and delivers on the next attempt', async () => {
    await postAlert({ type: 'teams_retry', severity: 'high', rule: 'Retry me', target: 'ws-3' });
    await waitFor(() => expect(fake.at(workflows('teams_retry'))).toHaveLength(2), 8000);
    const [first, second] = fake.at(workflows('teams_retry'));
    expect(second!.body).toEqual(first!.body);
    await waitFor(async () => expect((await outbox('teams_retry')).entries[0]?.state).toBe('sent'));
    const { entries, deliveries } = await outbox('teams_retry');
    expect(entries[0]).toMatchObject({ attempts: 2, lastError: null });
    expect(deliveries.map((d) => [d.ok, d.detail]).sort()).toEqual([
      [false, `Teams Workflows webhook at ${fake.url}: HTTP 500 — upstream exploded`],
      [true, 'HTTP 202 (accepted by the workflow)'],
    ]);
  });

  it('honours 429 Retry-After: the entry waits and the channel pauses', async () => {
    await postAlert({ type: 'teams_429', severity: 'high', rule: 'Throttled one', target: 'ws-4' });
    await waitFor(async () => expect((await outbox('teams_429')).entries[0]?.lastError).toBeTruthy());
    const [entry] = (await outbox('teams_429')).entries;
    expect(entry).toMatchObject({ state: 'pending', attempts: 1 });
    expect(entry!.lastError).toBe(`Teams Workflows webhook at ${fake.url}: HTTP 429 — Rate limit exceeded`);
    const wait = Date.parse(entry!.nextAttemptAt) - Date.now();
    expect(wait).toBeGreaterThan(115_000);
    expect(wait).toBeLessThanOrEqual(120_000);

    // A second incident for the paused channel is queued but not sent.
    await postAlert({ type: 'teams_429', severity: 'high', rule: 'Throttled two', target: 'ws-4' });
    await waitFor(async () => expect((await outbox('teams_429')).entries).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.at(workflows('teams_429'))).toHaveLength(1);
    expect((await outbox('teams_429')).entries.map((e) => e.attempts).sort()).toEqual([0, 1]);
  });

  it('shows a 400 with what the webhook said in the channel health and the outbox, without the signature', async () => {
    await postAlert({ type: 'teams_400', severity: 'critical', rule: 'Bad card', target: 'ws-5' });
    await waitFor(async () => expect((await outbox('teams_400')).entries[0]?.lastError).toBeTruthy());
    const expected = `Teams Workflows webhook at ${fake.url}: HTTP 400 — The request content is not valid and could not be deserialized`;
    const [entry] = (await outbox('teams_400')).entries;
    expect(entry).toMatchObject({ state: 'pending', attempts: 1, lastError: expected });
    const view = await channelView('teams_400');
    expect(view.health.lastError).toBe(expected);
    expect(view.health.pending).toBe(1);
    expect(JSON.stringify(view)).not.toContain(SIG);
  });
});

describe('Teams legacy connector (MessageCard)', () => {
  it('posts a MessageCard themed by severity and accepts the "1" answer', async () => {
    await postAlert({ type: 'teams_legacy', severity: 'critical', rule: 'Ransom note <b>', target: 'fs-01' });
    await waitFor(() => expect(fake.at('/webhookb2/legacy/IncomingWebhook/abc')).toHaveLength(1));
    const card = fake.at('/webhookb2/legacy/IncomingWebhook/abc')[0]!.body;
    expect(card).toMatchObject({
      '@type': 'MessageCard',
      '@context': 'http://schema.org/extensions',
      themeColor: 'FF0000',
    });
    const section = (card.sections as Json[])[0]!;
    expect(section.activityTitle).toBe('Ransom note &lt;b&gt; on fs-01');
    expect(section.facts).toContainEqual({ name: 'Host', value: 'fs-01' });
    expect(section.facts).toContainEqual({ name: 'Category', value: 'teams_legacy' });
    await waitFor(async () => expect((await outbox('teams_legacy')).entries[0]?.state).toBe('sent'));
    expect((await outbox('teams_legacy')).deliveries[0]).toMatchObject({ ok: true, detail: 'HTTP 200' });
  });

  it('treats the connector throttling text in a 200 answer as rate limiting', async () => {
    await postAlert({ type: 'teams_throttled', severity: 'high', rule: 'Busy', target: 'ws-6' });
    await waitFor(async () => expect((await outbox('teams_throttled')).entries[0]?.lastError).toBeTruthy());
    const [entry] = (await outbox('teams_throttled')).entries;
    expect(entry!.state).toBe('pending');
    expect(entry!.lastError).toMatch(
      /^Teams connector: throttled by Teams \(Microsoft Teams endpoint returned HTTP error 429/,
    );
    expect(Date.parse(entry!.nextAttemptAt) - Date.now()).toBeGreaterThan(25_000);
  });
});

describe('Mattermost incoming webhook', () => {
  it('shows real values with masking off, but never a credential from the telemetry', async () => {
    const password = 'Sup3rS3cret!9';
    const posted = await postAlert({
      type: 'mm_real',
      severity: 'high',
      rule: 'PsExec lateral movement',
      target: 'ws-fin-022',
      source_log: `psexec \\\\ws-fin-022 -u CORP\\jdoe -p ${password} cmd.exe`,
    });
    expect(posted.status).toBe(202);
    await waitFor(() => expect(fake.at('/hooks/mm-real')).toHaveLength(1));
    const sent = JSON.stringify(fake.at('/hooks/mm-real')[0]!.body);
    expect(sent).toContain('ws-fin-022');
    expect(sent).not.toContain(password);
    expect(sent).toMatch(/SECRET_\d/);
  });

  it('colours the attachment by severity, fills the fields and accepts "ok"', async () => {
    for (const severity of SEVERITIES)
      expect(
        (await postAlert({ type: 'mm', severity, rule: `MM ${severity}`, target: 'db-01' })).status,
      ).toBe(202);
    await waitFor(() => expect(fake.at('/hooks/mm-key-0123')).toHaveLength(5));
    const colours: Record<string, string> = {};
    for (const request of fake.at('/hooks/mm-key-0123')) {
      const body = request.body;
      expect(body).toMatchObject({ username: 'Vigil SOC', channel: 'soc-alerts' });
      const attachment = (body.attachments as Json[])[0]!;
      colours[attachment.title as string] = attachment.color as string;
      const fields = attachment.fields as { short: boolean; title: string; value: string }[];
      expect(fields.map((f) => f.title)).toEqual([
        'Severity',
        'Status',
        'Source',
        'Host',
        'First seen',
        'Last seen',
        'Count',
        'Category',
      ]);
      expect(fields).toContainEqual({ short: true, title: 'Host', value: 'db-01' });
      expect(fields).toContainEqual({ short: true, title: 'Category', value: 'mm' });
      expect(attachment.fallback).toMatch(/^\[[A-Z]+\] MM [a-z]+ on db-01$/);
      expect(typeof attachment.ts).toBe('number');
    }
    expect(colours).toEqual({
      'MM critical on db-01': '#FF0000',
      'MM high on db-01': '#FF6600',
      'MM medium on db-01': '#FFD700',
      'MM low on db-01': '#00FF00',
      'MM info on db-01': '#0099FF',
    });
    await waitFor(async () =>
      expect((await outbox('mm')).entries.map((e) => e.state)).toEqual([
        'sent',
        'sent',
        'sent',
        'sent',
        'sent',
      ]),
    );
    expect((await outbox('mm')).deliveries.every((d) => d.ok && d.detail === 'HTTP 200 ok')).toBe(true);
    expect((await channelView('mm')).health).toMatchObject({
      deliveredTotal: 5,
      lastError: null,
      pending: 0,
    });
  });
});

describe('channels.test', () => {
  it('says what happened for each kind', async () => {
    const before = fake.requests.length;
    expect(await channelTest('teams_card')).toMatchObject({
      ok: true,
      message: 'HTTP 202 (accepted by the workflow)',
    });
    const card = fake.requests[before]!.body;
    const content = (card.attachments as Json[])[0]!.content as Json;
    expect((content.body as Json[])[0]).toMatchObject({ style: SEVERITY_STYLES.info.adaptive });
    expect(((content.body as Json[])[0]!.items as Json[])[0]!.text).toBe('🔵 INFO · Test message');
    expect(await channelTest('teams_legacy')).toMatchObject({ ok: true, message: 'HTTP 200' });
    expect(await channelTest('mm')).toMatchObject({ ok: true, message: 'HTTP 200 ok' });
    expect(fake.requests.length).toBe(before + 3);

    expect(await channelTest('teams_400')).toMatchObject({
      ok: false,
      message: `Teams Workflows webhook at ${fake.url}: HTTP 400 — The request content is not valid and could not be deserialized`,
    });
    expect(await channelTest('mm_forbidden')).toMatchObject({
      ok: false,
      message: `Mattermost webhook at ${fake.url}: HTTP 403 — Invalid webhook`,
    });
    expect(await channelTest('mm_unset')).toMatchObject({
      ok: false,
      message: 'set the incoming webhook URL for this Mattermost channel',
    });
    expect((await channelView('mm_forbidden')).health.lastError).toBe(
      `Mattermost webhook at ${fake.url}: HTTP 403 — Invalid webhook`,
    );
  });
});

const sanitizerReady = (() => {
  try {
    new Sanitizer(() => ({ enabled: true, classes: [], allow: [] })).mask({ a: 'ws-secret-01' });
    return true;
  } catch {
    return false;
  }
})();

describe('masking', () => {
  // Skipped only in a build without the sanitizer, where a masking channel refuses to send at all.
  it.runIf(sanitizerReady)('sends a masked card to a channel that masks', async () => {
    await postAlert({
      type: 'teams_masked',
      severity: 'high',
      rule: 'Masked',
      target: 'ws-secret-01',
      ip: '10.1.2.3',
    });
    await waitFor(() => expect(fake.at(workflows('teams_masked'))).toHaveLength(1));
    const raw = JSON.stringify(fake.at(workflows('teams_masked'))[0]!.body);
    expect(raw).not.toContain('ws-secret-01');
    expect(raw).not.toContain('10.1.2.3');
    const body = cardAt(workflows('teams_masked')).body as Json[];
    const facts = body[1]!.facts as { title: string; value: string }[];
    const host = facts.find((f) => f.title === 'Host')!.value;
    expect(host).toMatch(/^HOST_\d+$/);
    expect((body[0]!.items as Json[])[1]!.text).toBe(`Masked on ${host}`);
    expect(raw).toMatch(/IP_\d+/);
  });
});

describe('postJson', () => {
  const clock = new ManualClock();
  const options = { label: 'Hook', signal: new AbortController().signal, clock };

  it('maps a slow answer, an HTML error page, a redirect and a refused connection to clear errors', async () => {
    fake.script('/slow', { status: 200, body: 'ok', delayMs: 1000 });
    await expect(postJson(`${fake.url}/slow`, {}, { ...options, timeoutMs: 100 })).rejects.toMatchObject({
      kind: 'timeout',
      message: `Hook at ${fake.url}: no answer within 0.1 s`,
    });
    fake.script('/html', {
      status: 502,
      body: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
      headers: { 'Content-Type': 'text/html' },
    });
    await expect(postJson(`${fake.url}/html`, {}, options)).rejects.toMatchObject({
      kind: 'http',
      status: 502,
      message: `Hook at ${fake.url}: HTTP 502 — an HTML page: 502 Bad Gateway`,
    });
    fake.script('/moved', { status: 302, headers: { Location: 'https://login.example' } });
    await expect(postJson(`${fake.url}/moved`, {}, options)).rejects.toMatchObject({
      kind: 'http',
      status: 302,
    });
    fake.script('/auth', { status: 401, body: '{"message":"token expired"}' });
    await expect(postJson(`${fake.url}/auth`, {}, options)).rejects.toMatchObject({
      kind: 'auth',
      message: `Hook at ${fake.url}: HTTP 401 — token expired`,
    });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await postJson(`http://127.0.0.1:${port}/hooks/x`, {}, options).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SourceError);
    expect(refused).toMatchObject({
      kind: 'network',
      message: `Hook at http://127.0.0.1:${port}: connection refused (is the address and port right, and the service up?)`,
    });

    await expect(postJson('ftp://x.example/hook', {}, options)).rejects.toMatchObject({ kind: 'config' });
  });
});
