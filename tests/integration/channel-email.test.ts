/**
 * The e-mail channel against a real SMTP server (smtp-server on 127.0.0.1,
 * its built-in self-signed certificate for STARTTLS and implicit TLS): the
 * adapter on its own, then through the headless core's outbox next to a
 * Mattermost webhook, with an SMTP channel whose server is down.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';

import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { ChannelView, MethodResponse } from '../../shared/ipc/contract';
import { emailChannelSchema } from '../../shared/config';
import type { ConfigInput, EmailChannelConfig } from '../../shared/config';
import { emptyEntities } from '../../shared/domain';
import type { Incident } from '../../shared/domain';
import { ManualClock } from '../../electron/core/clock';
import { silentLogger } from '../../electron/core/logger';
import type { OutgoingMessage, SendContext } from '../../electron/core/notify/channel-adapter';
import { createEmailAdapter } from '../../electron/core/notify/channels/email';
import { SourceError } from '../../electron/core/sources/source-error';
import type { Headless } from '../helpers/headless';
import { TEST_WEBHOOK_TOKEN, startHeadless } from '../helpers/headless';
import { incidentFixture } from '../helpers/incidents';

type ChannelInput = NonNullable<ConfigInput['channels']>[number];

const USER = 'bob';
const PASSWORD = 'hunter2-smtp';

interface Received {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user: string | undefined;
}

interface FakeSmtp {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

/** An SMTP server that keeps what it gets; "nobody@" is refused for good (550), "busy@" for now (451). */
async function startSmtp(options: SMTPServerOptions = {}): Promise<FakeSmtp> {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      const refuse = (code: number, text: string) =>
        callback(Object.assign(new Error(text), { responseCode: code }));
      if (address.address.startsWith('nobody@')) refuse(550, 'No such mailbox');
      else if (address.address.startsWith('busy@')) refuse(451, 'Mailbox busy, try later');
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        received.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface MimePart {
  headers: Map<string, string>;
  body: string;
}

/** Just enough MIME: unfolded headers, RFC 2047 words, one level of multipart, QP/base64 bodies. */
function parseMime(raw: string): MimePart & { parts: MimePart[] } {
  const top = parsePart(raw);
  const boundary = /boundary="?([^";]+)"?/i.exec(top.headers.get('content-type') ?? '')?.[1];
  const parts = boundary
    ? top.body
        .split(`--${boundary}`)
        .slice(1)
        .filter((p) => !p.startsWith('--'))
        .map((p) => parsePart(p.replace(/^\r\n/, '')))
    : [];
  return { ...top, parts };
}

function parsePart(raw: string): MimePart {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n(?=[ \t])/g, '');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const encoded = raw.slice(split + 4);
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const body =
    encoding === 'base64'
      ? Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQp(encoded)
        : encoded;
  return { headers, body };
}

function decodeQp(text: string): string {
  const bytes = text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQp(data.replaceAll('_', ' ')),
    );
}

const incident: Incident = incidentFixture({
  id: 'inc_mail',
  title: 'Payload <script>alert("x")</script> & friends',
  description: 'Suspicious <iframe src=//evil> in a mail',
  severity: 'high',
  category: 'phishing',
  mitre: { tactics: [], techniques: ['T1566'] },
  entities: { ...emptyEntities(), hosts: ['mail-gw-01'] },
  at: '2026-11-20T10:00:00.000Z',
  count: 3,
});

const message: OutgoingMessage = {
  purpose: 'incident',
  incident,
  events: [
    {
      id: 'ev1',
      receivedAt: '2026-11-20T10:00:00.000Z',
      sourceKind: 'webhook',
      sourceId: 'api-alert',
      route: '/api/alert',
      incidentId: 'inc_mail',
      body: '{"rule":"<b>bold</b>","target":"mail-gw-01"}',
    },
  ],
  analysis: null,
  appUrl: 'http://127.0.0.1:8080/#/incidents/inc_mail',
};

function context(): SendContext {
  return {
    signal: AbortSignal.timeout(20_000),
    clock: new ManualClock(),
    logger: silentLogger,
    secret: (value) => value,
    previous: [],
  };
}

function channel(
  port: number,
  smtp: Partial<EmailChannelConfig['smtp']> = {},
  extra: Partial<EmailChannelConfig> = {},
) {
  return emailChannelSchema.parse({
    id: 'mail',
    kind: 'email',
    name: 'Mail',
    from: 'vigil@example.com',
    to: ['soc@example.com', 'oncall@example.com'],
    ...extra,
    smtp: { host: '127.0.0.1', port, verifyTls: false, ...smtp },
  });
}

const sendVia = (config: EmailChannelConfig) => createEmailAdapter(config).send(message, context());
const failureOf = (config: EmailChannelConfig) =>
  sendVia(config).then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: unknown) => error as SourceError,
  );

describe('e-mail adapter against smtp-server', () => {
  let starttls: FakeSmtp;
  beforeAll(async () => {
    starttls = await startSmtp();
  });
  afterAll(() => starttls.close());

  it('logs in after STARTTLS and sends subject, text and escaped HTML to every recipient', async () => {
    const receipt = await sendVia(channel(starttls.port, { user: USER, password: PASSWORD }));
    expect(receipt).toEqual({ refs: [], detail: 'sent to 2 recipients (250 OK: message queued)' });
    expect(starttls.received).toHaveLength(1);
    const mail = starttls.received[0]!;
    expect(mail).toMatchObject({
      from: 'vigil@example.com',
      to: ['soc@example.com', 'oncall@example.com'],
      secure: true,
      user: USER,
    });
    const parsed = parseMime(mail.raw);
    expect(parsed.headers.get('subject')).toBe(
      '[Vigil][HIGH] Payload <script>alert("x")</script> & friends on mail-gw-01',
    );
    expect(parsed.headers.get('from')).toBe('vigil@example.com');
    expect(parsed.headers.get('to')).toBe('soc@example.com, oncall@example.com');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.headers.get('x-vigil-incident')).toBe('inc_mail');
    expect(parsed.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    const types = parsed.parts.map((p) => p.headers.get('content-type')?.split(';')[0]);
    expect(types).toEqual(['text/plain', 'text/html']);
    const [text, html] = parsed.parts.map((p) => p.body);
    expect(text).toContain('Payload <script>alert("x")</script> & friends');
    expect(text).toContain('Host: mail-gw-01');
    expect(text).toContain('Count: 3');
    expect(text).toContain('MITRE ATT&CK: T1566');
    expect(text).toContain('- 2026-11-20 10:00:00 UTC — {"rule":"<b>bold</b>","target":"mail-gw-01"}');
    expect(text).toContain('Open in Vigil: http://127.0.0.1:8080/#/incidents/inc_mail');
    expect(html).not.toMatch(/<script|<iframe|<b>bold/);
    expect(html).toContain('Payload &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; friends');
    expect(html).toContain('Suspicious &lt;iframe src=//evil&gt; in a mail');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('>mail-gw-01</td>');
    expect(html).toContain('href="http://127.0.0.1:8080/#/incidents/inc_mail"');
  });

  it('refuses a wrong password with a clear reason', async () => {
    const error = await failureOf(channel(starttls.port, { user: USER, password: 'wrong' }));
    expect(error).toBeInstanceOf(SourceError);
    expect(error.kind).toBe('auth');
    expect(error.message).toBe(
      `SMTP 127.0.0.1:${starttls.port}: the server refused the login for bob: 535 Invalid username or password`,
    );
  });

  it('says when the server wants a login that is not configured', async () => {
    const error = await failureOf(channel(starttls.port));
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/the server requires a login; set the SMTP user and password: 530/);
  });

  it('refuses an unverifiable certificate when verifyTls is on', async () => {
    const error = await failureOf(
      channel(starttls.port, { user: USER, password: PASSWORD, verifyTls: true }),
    );
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(
      /the TLS certificate was not accepted \([A-Z_]+\); fix the certificate or turn off TLS verification/,
    );
  });

  it('parks a permanent refusal (550) and retries a temporary one (451)', async () => {
    const login = { user: USER, password: PASSWORD };
    const permanent = await failureOf(channel(starttls.port, login, { to: ['nobody@example.com'] }));
    expect(permanent).toMatchObject({ kind: 'config', status: 550 });
    expect(permanent.message).toBe(
      `SMTP 127.0.0.1:${starttls.port}: the server refused the message for good: 550 No such mailbox`,
    );
    const temporary = await failureOf(channel(starttls.port, login, { to: ['busy@example.com'] }));
    expect(temporary).toMatchObject({ kind: 'http', status: 451 });
    const partly = await sendVia(
      channel(starttls.port, login, { to: ['nobody@example.com', 'soc@example.com'] }),
    );
    expect(partly.detail).toBe('sent to 1 recipient (250 OK: message queued); refused: nobody@example.com');
  });

  it('needs a recipient, and a password for a user, before connecting', async () => {
    await expect(sendVia(channel(starttls.port, {}, { to: [] }))).rejects.toMatchObject({
      kind: 'config',
      message: 'add at least one recipient',
    });
    await expect(sendVia(channel(starttls.port, { user: USER }))).rejects.toMatchObject({ kind: 'config' });
  });

  it('uses implicit TLS when secure is set, and sends without login when none is set', async () => {
    const implicit = await startSmtp({ secure: true, authOptional: true });
    try {
      const receipt = await sendVia(channel(implicit.port, { secure: true }));
      expect(receipt.detail).toMatch(/^sent to 2 recipients/);
      expect(implicit.received[0]).toMatchObject({ secure: true, user: undefined });
    } finally {
      await implicit.close();
    }
  });

  it('sends in the clear when the server offers no STARTTLS', async () => {
    const plain = await startSmtp({ hideSTARTTLS: true, authOptional: true });
    try {
      await sendVia(channel(plain.port));
      expect(plain.received[0]).toMatchObject({ secure: false });
      expect(parseMime(plain.received[0]!.raw).headers.get('subject')).toMatch(/^\[Vigil\]\[HIGH\] Payload/);
    } finally {
      await plain.close();
    }
  });
});

describe('e-mail channel in the outbox', () => {
  let smtp: FakeSmtp;
  let deadPort: number;
  let mattermost: Server;
  /** Accepts connections and never says a word: an SMTP server that hangs. */
  let silent: TcpServer;
  const silentSockets = new Set<Socket>();
  const posted: unknown[] = [];
  let app: Headless;

  async function call<T>(method: string, args: unknown = {}): Promise<T> {
    const res = await app.rpc(method, args);
    const body = res.body as { ok: boolean; value?: unknown; error?: { message: string } };
    if (!body.ok) throw new Error(`${method} failed: ${body.error?.message}`);
    return body.value as T;
  }
  const outbox = (id: string) => call<MethodResponse<'channels.outbox'>>('channels.outbox', { id });

  async function postAlert(alert: Record<string, unknown>) {
    const started = Date.now();
    const res = await fetch(`${app.webhookUrl}/api/alert`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TEST_WEBHOOK_TOKEN}` },
      body: JSON.stringify(alert),
    });
    await res.json();
    return { status: res.status, ms: Date.now() - started };
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    deadPort = await closedPort();
    silent = createTcpServer((socket) => {
      silentSockets.add(socket);
      socket.on('close', () => silentSockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    mattermost = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        posted.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => mattermost.listen(0, '127.0.0.1', resolve));
    const mmUrl = `http://127.0.0.1:${(mattermost.address() as AddressInfo).port}/hooks/key`;
    const mail = (id: string, port: number, categories: string[], password = PASSWORD): ChannelInput => ({
      id,
      kind: 'email',
      name: id,
      minSeverity: 'low',
      mask: false,
      categories,
      from: 'vigil@example.com',
      to: ['soc@example.com'],
      smtp: { host: '127.0.0.1', port, user: USER, password, verifyTls: false },
    });
    app = await startHeadless({
      config: {
        channels: [
          mail('mail', smtp.port, ['mail']),
          mail('mail_badauth', smtp.port, ['none'], 'not-the-password'),
          mail('mail_dead', deadPort, ['both']),
          mail('mail_hanging', silentPort, ['both']),
          {
            id: 'mm',
            kind: 'mattermost',
            name: 'MM',
            minSeverity: 'low',
            mask: false,
            categories: ['both'],
            webhookUrl: mmUrl,
          },
        ],
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await smtp.close();
    mattermost.closeAllConnections();
    await new Promise<void>((resolve) => mattermost.close(() => resolve()));
    for (const socket of silentSockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('delivers an incident by mail with the password from the secret store', async () => {
    expect(
      (await postAlert({ type: 'mail', severity: 'high', rule: 'Phish <b>', target: 'mail-gw-02' })).status,
    ).toBe(202);
    await vi.waitFor(async () => expect((await outbox('mail')).entries[0]?.state).toBe('sent'), {
      timeout: 10_000,
      interval: 50,
    });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ user: USER, secure: true, to: ['soc@example.com'] });
    expect(parseMime(smtp.received[0]!.raw).headers.get('subject')).toBe(
      '[Vigil][HIGH] Phish <b> on mail-gw-02',
    );
    expect((await outbox('mail')).deliveries[0]).toMatchObject({
      ok: true,
      detail: 'sent to 1 recipient (250 OK: message queued)',
    });
  });

  it('keeps a dead SMTP server from holding up Mattermost or ingestion', async () => {
    const answer = await postAlert({
      type: 'both',
      severity: 'critical',
      rule: 'Everywhere',
      target: 'dc-01',
    });
    expect(answer.status).toBe(202);
    expect(answer.ms).toBeLessThan(1000);
    await vi.waitFor(() => expect(posted).toHaveLength(1), { timeout: 5000, interval: 25 });
    await vi.waitFor(async () => expect((await outbox('mm')).entries[0]?.state).toBe('sent'), {
      timeout: 5000,
      interval: 25,
    });
    await vi.waitFor(async () => expect((await outbox('mail_dead')).entries[0]?.lastError).toBeTruthy(), {
      timeout: 5000,
      interval: 25,
    });
    const expected = `SMTP 127.0.0.1:${deadPort}: connection refused (is the address and port right, and the mail server up?)`;
    expect((await outbox('mail_dead')).entries[0]).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: expected,
    });
    const view = (await call<ChannelView[]>('channels.list')).find((c) => c.id === 'mail_dead')!;
    expect(view.health).toMatchObject({ lastError: expected, pending: 1, deliveredTotal: 0 });
    // The hanging server still holds its message (15 s greeting timeout) while the others went on.
    expect(silentSockets.size).toBe(1);
    expect((await outbox('mail_hanging')).entries[0]).toMatchObject({
      state: 'sending',
      attempts: 1,
      lastError: null,
    });

    const after = await postAlert({
      type: 'both',
      severity: 'critical',
      rule: 'Still flowing',
      target: 'dc-02',
    });
    expect(after.status).toBe(202);
    await vi.waitFor(() => expect(posted).toHaveLength(2), { timeout: 5000, interval: 25 });
  });

  it('channels.test reports success and the reason for a failure', async () => {
    const ok = await call<MethodResponse<'channels.test'>>('channels.test', { id: 'mail' });
    expect(ok).toMatchObject({ ok: true, message: 'sent to 1 recipient (250 OK: message queued)' });
    const last = parseMime(smtp.received.at(-1)!.raw);
    expect(last.headers.get('subject')).toBe('[Vigil][INFO] Test notification from Vigil');
    const badAuth = await call<MethodResponse<'channels.test'>>('channels.test', { id: 'mail_badauth' });
    expect(badAuth).toMatchObject({
      ok: false,
      message: `SMTP 127.0.0.1:${smtp.port}: the server refused the login for bob: 535 Invalid username or password`,
    });
    const dead = await call<MethodResponse<'channels.test'>>('channels.test', { id: 'mail_dead' });
    expect(dead.ok).toBe(false);
    expect(dead.message).toMatch(/connection refused/);
  });
});
