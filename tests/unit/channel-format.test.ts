import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { emailContent, smtpError } from '../../electron/core/notify/channels/email';
import {
  SEVERITY_STYLES,
  analysisView,
  defuseMarkdownLinks,
  escapeHtml,
  eventLines,
  formatTime,
  incidentFacts,
  safeLink,
  serverSaid,
  subjectLine,
} from '../../electron/core/notify/channels/format';
import { mattermostPayload, mattermostText } from '../../electron/core/notify/channels/mattermost';
import { adaptiveMessage, legacyCard } from '../../electron/core/notify/channels/teams';
import type { OutgoingMessage } from '../../electron/core/notify/channel-adapter';
import { mattermostChannelSchema } from '../../shared/config';
import type { Analysis, Incident, RawEvent, Severity } from '../../shared/domain';
import { SEVERITIES, emptyEntities } from '../../shared/domain';
import { incidentFixture } from '../helpers/incidents';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
type Json = Record<string, unknown>;
const fixture = (path: string) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Json;

function incident(overrides: Partial<Incident> = {}): Incident {
  return incidentFixture({
    id: 'inc_01',
    source: { kind: 'sentinelone', id: 's1', name: 'S1 prod' },
    vendorId: '123',
    consoleUrl: 'https://s1.example.com/incidents/123',
    title: 'Mimikatz <script>alert(1)</script> [click](https://evil.example)',
    description: 'Credential dumping & "lsass" access\nsecond line',
    severity: 'high',
    status: 'in_progress',
    category: 'malware',
    mitre: { tactics: ['TA0006'], techniques: ['T1003.001'] },
    entities: { ...emptyEntities(), hosts: ['WS-FIN-014'], users: ['CORP\\alice'] },
    at: '2026-11-20T10:00:00.000Z',
    lastSeen: '2026-11-20T10:05:30.000Z',
    count: 7,
    updatedAt: '2026-11-20T10:05:30.000Z',
    ...overrides,
  });
}

function events(n: number): RawEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `ev${i}`,
    receivedAt: `2026-11-20T10:0${i}:00.000Z`,
    sourceKind: 'sentinelone' as const,
    sourceId: 's1',
    route: 'poll',
    incidentId: 'inc_01',
    body: JSON.stringify({ n: i, process: 'mimikatz.exe', note: '<b>bold</b>' }, null, 2),
  }));
}

const analysis: Analysis = {
  state: 'done',
  summary: 'Likely credential theft <img src=x onerror=alert(1)>.',
  severityAssessment: { severity: 'critical', rationale: 'lsass read by an unsigned tool' },
  mitigationSteps: ['Isolate WS-FIN-014', 'Reset alice', 'Hunt for T1003', 'fourth step not shown'],
  investigationSteps: [],
  confidence: 0.8,
  model: 'gpt-test',
  promptTokens: 1,
  completionTokens: 1,
  latencyMs: 1,
  cached: false,
  error: null,
  createdAt: '2026-11-20T10:06:00.000Z',
};

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    purpose: 'incident',
    incident: incident(),
    events: events(7),
    analysis,
    appUrl: 'http://127.0.0.1:8080/#/incidents/inc_01',
    ...overrides,
  };
}

describe('shared formatting', () => {
  it('has one style per severity with the Mattermost colours exactly', () => {
    expect(Object.fromEntries(SEVERITIES.map((s) => [s, SEVERITY_STYLES[s].hex]))).toEqual({
      critical: '#FF0000',
      high: '#FF6600',
      medium: '#FFD700',
      low: '#00FF00',
      info: '#0099FF',
    });
    expect(SEVERITIES.map((s) => SEVERITY_STYLES[s].adaptive)).toEqual([
      'accent',
      'good',
      'warning',
      'attention',
      'attention',
    ]);
  });

  it('escapes HTML, defuses Markdown links and accepts only http(s) links', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(defuseMarkdownLinks('[x](https://evil)')).toBe('[x]\u200b(https://evil)');
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink('not a url')).toBeNull();
    expect(safeLink('https://a.example/x?y=1')).toBe('https://a.example/x?y=1');
  });

  it('shows times in UTC and keeps what it cannot parse', () => {
    expect(formatTime('2026-11-20T12:00:00+02:00')).toBe('2026-11-20 10:00:00 UTC');
    expect(formatTime('yesterday')).toBe('yesterday');
  });

  it("shows times in the console's zone when the message carries one, in every channel", () => {
    expect(formatTime('2026-11-20T10:00:00Z', 'Europe/Moscow')).toBe('2026-11-20 13:00:00 Europe/Moscow');
    const zoned = message({ timeZone: 'Asia/Tokyo' });
    const firstSeen = incidentFacts(zoned.incident, zoned.timeZone).find((f) => f.title === 'First seen');
    expect(firstSeen?.value).toMatch(/ Asia\/Tokyo$/);
    expect(emailContent(zoned).text).toContain('Asia/Tokyo');
    expect(emailContent(zoned).text).not.toContain(' UTC');
    expect(JSON.stringify(adaptiveMessage(zoned))).toContain('Asia/Tokyo');
    const mattermost = mattermostChannelSchema.parse({ id: 'mm', kind: 'mattermost', name: 'MM' });
    expect(JSON.stringify(mattermostPayload(mattermost, zoned))).toContain('Asia/Tokyo');
  });

  it('builds the subject "[Vigil][HIGH] <title> on <host>" on one line', () => {
    const plain = incident({ title: 'SSH brute force', entities: { ...emptyEntities(), hosts: ['web-01'] } });
    expect(subjectLine(message({ incident: plain }))).toBe('[Vigil][HIGH] SSH brute force on web-01');
    const named = incident({
      title: 'SSH brute force on web-01',
      entities: { ...emptyEntities(), hosts: ['web-01'] },
    });
    expect(subjectLine(message({ incident: named }))).toBe('[Vigil][HIGH] SSH brute force on web-01');
    const injected = incident({
      title: 'a\r\nBcc: x@evil.example',
      entities: emptyEntities(),
      severity: 'info',
    });
    expect(subjectLine(message({ incident: injected, purpose: 'update' }))).toBe(
      '[Vigil][INFO] Updated: a Bcc: x@evil.example',
    );
  });

  it('lists the facts with the incident values and leaves empty ones out', () => {
    expect(incidentFacts(incident()).map((f) => [f.title, f.value])).toEqual([
      ['Severity', 'HIGH'],
      ['Status', 'in progress'],
      ['Source', 'S1 prod (sentinelone)'],
      ['Host', 'WS-FIN-014'],
      ['First seen', '2026-11-20 10:00:00 UTC'],
      ['Last seen', '2026-11-20 10:05:30 UTC'],
      ['Count', '7'],
      ['Category', 'malware'],
      ['MITRE ATT&CK', 'TA0006, T1003.001'],
    ]);
    const bare = incidentFacts(
      incident({ category: null, mitre: { tactics: [], techniques: [] }, entities: emptyEntities() }),
    );
    expect(bare.map((f) => f.title)).not.toContain('Host');
    expect(bare.map((f) => f.title)).not.toContain('Category');
    expect(bare.map((f) => f.title)).not.toContain('MITRE ATT&CK');
  });

  it('shows at most five events, each compacted to one line', () => {
    const lines = eventLines(events(7));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toEqual({
      at: '2026-11-20 10:00:00 UTC',
      text: '{"n":0,"process":"mimikatz.exe","note":"<b>bold</b>"}',
    });
    const long = eventLines([{ ...events(1)[0]!, body: `x\n  ${'y'.repeat(400)}` }]);
    expect(long[0]!.text).toHaveLength(300);
    expect(long[0]!.text.startsWith('x y')).toBe(true);
  });

  it('shows an analysis only when it is done with a summary, with three steps at most', () => {
    expect(analysisView({ ...analysis, state: 'pending' })).toBeNull();
    expect(analysisView({ ...analysis, summary: null })).toBeNull();
    expect(analysisView(analysis)).toEqual({
      summary: analysis.summary,
      assessment: 'CRITICAL — lsass read by an unsigned tool',
      steps: ['Isolate WS-FIN-014', 'Reset alice', 'Hunt for T1003'],
      model: 'gpt-test',
    });
  });

  it('reads what a server said from JSON, HTML or text', () => {
    const logicApps =
      '{"error":{"code":"InvalidRequestContent","message":"The request content is not valid"}}';
    expect(serverSaid({ contentType: 'application/json', text: logicApps })).toBe(
      'The request content is not valid',
    );
    expect(serverSaid({ contentType: 'text/html', text: '<html><title>Bad Gateway</title></html>' })).toBe(
      'an HTML page: Bad Gateway',
    );
    expect(serverSaid({ contentType: 'text/plain', text: '  Summary or Text\n is required. ' })).toBe(
      'Summary or Text is required.',
    );
    expect(serverSaid({ contentType: '', text: '' })).toBeNull();
  });
});

describe('Teams cards', () => {
  it('wraps an Adaptive Card in the Workflows message envelope of the recorded example', () => {
    const example = fixture('teams/workflows_adaptive_card_message.json');
    const exampleAttachment = (example.attachments as Json[])[0]!;
    const sent = adaptiveMessage(message());
    expect(Object.keys(sent).sort()).toEqual(Object.keys(example).sort());
    expect(sent.type).toBe(example.type);
    const attachment = (sent.attachments as Json[])[0]!;
    expect(Object.keys(attachment).sort()).toEqual(Object.keys(exampleAttachment).sort());
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.contentUrl).toBeNull();
    const card = attachment.content as Json;
    expect(card.$schema).toBe((exampleAttachment.content as Json).$schema);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.4');

    // The SOC card a MaxPatrol forwarder posts: our FactSet uses its {title, value} fact shape.
    const soc = (fixture('teams/workflows_soc_incident_card.json').attachments as Json[])[0]!.content as Json;
    const socFacts = (soc.body as Json[]).find((b) => b.type === 'FactSet')!.facts as Json[];
    const ourFacts = (card.body as Json[]).find((b) => b.type === 'FactSet')!.facts as Json[];
    for (const fact of ourFacts) expect(Object.keys(fact).sort()).toEqual(Object.keys(socFacts[0]!).sort());
  });

  it('builds the card: coloured header, facts, description, five events, AI summary, OpenUrl actions', () => {
    const card = (adaptiveMessage(message()).attachments as Json[])[0]!.content as Json;
    const body = card.body as Json[];
    expect(body.map((b) => b.type)).toEqual(['Container', 'FactSet', 'TextBlock', 'Container', 'Container']);
    const header = body[0]!;
    expect(header.style).toBe('attention');
    const headerItems = header.items as Json[];
    expect(headerItems[0]).toMatchObject({ text: '🟠 HIGH · New incident', color: 'attention' });
    // No HTML rendering in Adaptive Cards: the title stays as text, its Markdown link is defused.
    expect(headerItems[1]!.text).toBe(
      'Mimikatz <script>alert(1)</script> [click]\u200b(https://evil.example)',
    );
    const facts = body[1]!.facts as { title: string; value: string }[];
    expect(facts).toContainEqual({ title: 'Host', value: 'WS-FIN-014' });
    expect(facts).toContainEqual({ title: 'Count', value: '7' });
    expect(facts).toContainEqual({ title: 'MITRE ATT&CK', value: 'TA0006, T1003.001' });
    expect(body[2]!.text).toContain('Credential dumping');
    const eventBlocks = (body[3]!.items as Json[]).slice(1);
    expect(eventBlocks).toHaveLength(5);
    expect(eventBlocks[0]).toMatchObject({ fontType: 'Monospace' });
    const ai = body[4]!.items as Json[];
    expect(ai.map((i) => i.text)).toContain(analysis.summary);
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in Vigil', url: 'http://127.0.0.1:8080/#/incidents/inc_01' },
      { type: 'Action.OpenUrl', title: 'Open in S1 prod', url: 'https://s1.example.com/incidents/123' },
    ]);
  });

  it('colours the header by severity and offers no unsafe link', () => {
    const expected: Record<Severity, string> = {
      critical: 'attention',
      high: 'attention',
      medium: 'warning',
      low: 'good',
      info: 'accent',
    };
    for (const severity of SEVERITIES) {
      const sent = adaptiveMessage(
        message({
          incident: incident({ severity, consoleUrl: 'javascript:alert(1)' }),
          appUrl: null,
          events: [],
          analysis: null,
        }),
      );
      const card = (sent.attachments as Json[])[0]!.content as Json;
      expect((card.body as Json[])[0]!.style).toBe(expected[severity]);
      expect(card.actions).toBeUndefined();
      expect((card.body as Json[]).map((b) => b.type)).toEqual(['Container', 'FactSet', 'TextBlock']);
    }
  });

  it('builds a legacy MessageCard with the keys of the recorded connector example, HTML escaped', () => {
    const example = fixture('teams/legacy_messagecard_o365_connector.json');
    const card = legacyCard(message());
    expect(card['@type']).toBe('MessageCard');
    expect(card['@context']).toBe(example['@context']);
    for (const key of Object.keys(card)) expect([...Object.keys(example), 'title']).toContain(key);
    expect(card.themeColor).toBe('FF6600');
    const sections = card.sections as Json[];
    expect(sections).toHaveLength(3);
    expect(sections[0]!.activityTitle).toBe(
      'Mimikatz &lt;script&gt;alert(1)&lt;/script&gt; [click]\u200b(https://evil.example)',
    );
    expect(sections[0]!.facts).toContainEqual({ name: 'Host', value: 'WS-FIN-014' });
    expect(sections[0]!.text).toContain('Credential dumping &amp; &quot;lsass&quot;');
    expect(sections[1]!.text).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(sections[2]!.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(card.potentialAction).toEqual([
      {
        '@type': 'OpenUri',
        name: 'Open in Vigil',
        targets: [{ os: 'default', uri: 'http://127.0.0.1:8080/#/incidents/inc_01' }],
      },
      {
        '@type': 'OpenUri',
        name: 'Open in S1 prod',
        targets: [{ os: 'default', uri: 'https://s1.example.com/incidents/123' }],
      },
    ]);
    for (const severity of SEVERITIES)
      expect(legacyCard(message({ incident: incident({ severity }) })).themeColor).toBe(
        SEVERITY_STYLES[severity].hex.slice(1),
      );
  });
});

describe('Mattermost payload', () => {
  const channel = mattermostChannelSchema.parse({
    id: 'mm',
    kind: 'mattermost',
    name: 'MM',
    channel: 'soc-alerts',
    iconUrl: 'https://vigil.example/icon.png',
  });

  it('uses only documented parameters and attachment keys', () => {
    const params = fixture('mattermost/incoming_webhook_full_params.json');
    const documented = (fixture('mattermost/incoming_webhook_attachments.json').attachments as Json[])[0]!;
    const payload = mattermostPayload(channel, message());
    for (const key of Object.keys(payload)) expect([...Object.keys(params), 'attachments']).toContain(key);
    expect(payload).toMatchObject({
      username: 'Vigil',
      channel: 'soc-alerts',
      icon_url: 'https://vigil.example/icon.png',
    });
    const attachment = (payload.attachments as Json[])[0]!;
    // footer and ts are in the attachment reference though not in its example.
    for (const key of Object.keys(attachment))
      expect([...Object.keys(documented), 'footer', 'ts']).toContain(key);
    expect(attachment).toMatchObject({
      color: '#FF6600',
      title_link: 'http://127.0.0.1:8080/#/incidents/inc_01',
      ts: Date.parse('2026-11-20T10:05:30Z') / 1000,
      footer: 'Vigil · S1 prod · inc_01',
    });
    expect(attachment.fallback).toBe(
      '[HIGH] Mimikatz <script>alert(1)</script> [click](https://evil.example) on WS-FIN-014',
    );
    expect(attachment.fields).toContainEqual({ short: true, title: 'Host', value: 'WS-FIN-014' });
    expect(attachment.fields).toContainEqual({
      short: false,
      title: 'MITRE ATT&CK',
      value: 'TA0006, T1003.001',
    });
    const text = attachment.text as string;
    expect(text).toContain('**Recent events**');
    expect(text.match(/mimikatz\.exe/g)).toHaveLength(5);
    expect(text).toContain('**AI summary**');
    expect(text).toContain('[Open in S1 prod](https://s1.example.com/incidents/123)');
  });

  it('colours the attachment by severity', () => {
    for (const severity of SEVERITIES) {
      const payload = mattermostPayload(channel, message({ incident: incident({ severity }) }));
      expect((payload.attachments as Json[])[0]!.color).toBe(SEVERITY_STYLES[severity].hex);
    }
  });

  it('defuses channel-wide mentions, links and code fences from outside text', () => {
    expect(mattermostText('@channel @HERE @all @alice')).toBe('@\u200bchannel @\u200bHERE @\u200ball @alice');
    expect(mattermostText('```x```')).toBe('`\u200b``x`\u200b``');
    const payload = mattermostPayload(
      channel,
      message({ incident: incident({ title: 'ping @channel now' }) }),
    );
    expect(payload.text).toContain('@\u200bchannel');
    expect((payload.attachments as Json[])[0]!.title).toBe('ping @\u200bchannel now');
  });
});

describe('e-mail content', () => {
  it('has the subject, and HTML and text parts with the same facts, events and summary', () => {
    const mail = emailContent(message());
    expect(mail.subject).toBe(
      '[Vigil][HIGH] Mimikatz <script>alert(1)</script> [click](https://evil.example) on WS-FIN-014',
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).toContain('Mimikatz &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('background:#FF6600');
    expect(mail.html).toContain(
      '<th style="text-align:left;vertical-align:top;padding:3px 16px 3px 0;color:#5f6368;font-weight:600;white-space:nowrap">Host</th><td style="padding:3px 0;color:#1d1d1f">WS-FIN-014</td>',
    );
    expect(mail.html).toContain('href="http://127.0.0.1:8080/#/incidents/inc_01"');
    expect(mail.html.match(/mimikatz\.exe/g)).toHaveLength(5);
    expect(mail.html).toContain('Likely credential theft &lt;img src=x onerror=alert(1)&gt;.');
    expect(mail.text).toContain('Mimikatz <script>alert(1)</script>');
    expect(mail.text).toContain('Host: WS-FIN-014');
    expect(mail.text).toContain('Count: 7');
    expect(mail.text.match(/mimikatz\.exe/g)).toHaveLength(5);
    expect(mail.text).toContain('AI summary:\nLikely credential theft');
    expect(mail.text).toContain('Open in Vigil: http://127.0.0.1:8080/#/incidents/inc_01');
  });

  it('leaves out a javascript: console link', () => {
    const mail = emailContent(
      message({ incident: incident({ consoleUrl: 'javascript:alert(1)' }), appUrl: null }),
    );
    expect(mail.html).not.toContain('javascript:');
    expect(mail.html).not.toContain('href=');
  });

  it('maps SMTP failures onto the outbox retry rules', () => {
    const target = 'SMTP mail:587';
    const cases: [Json, string, RegExp][] = [
      [
        { code: 'EAUTH', responseCode: 535, response: '535 Invalid username or password' },
        'auth',
        /refused the login for bob: 535/,
      ],
      [
        { code: 'EENVELOPE', responseCode: 530, response: '530 Error: authentication Required' },
        'auth',
        /requires a login/,
      ],
      [
        { code: 'EENVELOPE', responseCode: 550, response: '550 No such mailbox' },
        'config',
        /refused the message for good: 550/,
      ],
      [
        { code: 'EENVELOPE', responseCode: 451, response: '451 Try later' },
        'http',
        /deferred the message: 451/,
      ],
      [{ code: 'EENVELOPE', responseCode: 503, response: '503 Bad sequence' }, 'http', /deferred/],
      [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, 'network', /connection refused/],
      [{ code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED' }, 'network', /turn off TLS verification/],
      [{ code: 'ETIMEDOUT' }, 'timeout', /no answer within 15 s/],
      [{ code: 'EDNS', originalCode: 'ENOTFOUND' }, 'network', /host name not found/],
    ];
    for (const [fields, kind, text] of cases) {
      const error = smtpError(Object.assign(new Error('x'), fields), target, 'bob');
      expect(error.kind, JSON.stringify(fields)).toBe(kind);
      expect(error.message).toMatch(text);
      expect(error.message.startsWith(target)).toBe(true);
    }
  });
});
