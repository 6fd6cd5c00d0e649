import { describe, expect, it } from 'vitest';

import type { OutgoingMessage } from '../../electron/core/notify/channel-adapter';
import { chatCommand, parseChatId, parseCommand } from '../../electron/core/notify/telegram/commands';
import {
  CALLBACK_DATA_MAX_BYTES,
  TEXT_LIMIT,
  callbackData,
  escapeHtml,
  formatTime,
  incidentKeyboard,
  parseCallback,
  renderIncident,
  renderedLength,
  telegramActor,
} from '../../electron/core/notify/telegram/format';
import { tgUpdateSchema } from '../../electron/core/notify/telegram/updates';
import type { Analysis, Incident, RawEvent, Status } from '../../shared/domain';
import { emptyEntities } from '../../shared/domain';
import { tgFixture } from '../fixtures/telegram/fake-bot-api';
import { incidentFixture } from '../helpers/incidents';

function incident(overrides: Partial<Incident> = {}): Incident {
  return incidentFixture({
    id: 'inc_019a2b3c4d5e0000deadbeef',
    fingerprint: 'alert|x',
    source: { kind: 'webhook', id: 'hook', name: 'Webhook <main>' },
    title: 'ransomware on fs-01',
    description: 'files encrypted',
    severity: 'critical',
    category: 'ransomware',
    entities: { ...emptyEntities(), hosts: ['fs-01'] },
    at: '2026-01-01T21:30:05.000Z',
    ...overrides,
  });
}

function event(n: number, body: unknown): RawEvent {
  return {
    id: `evt_${n}`,
    receivedAt: `2026-01-01T21:30:0${n % 10}.000Z`,
    sourceKind: 'webhook',
    sourceId: 'hook',
    route: '/api/alert',
    incidentId: 'inc_1',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

const analysis: Analysis = {
  state: 'done',
  summary: 'Likely <b>ransomware</b> & lateral movement',
  severityAssessment: { severity: 'critical', rationale: 'mass encryption' },
  mitigationSteps: ['Isolate fs-01', 'Reset credentials'],
  investigationSteps: [],
  confidence: 0.8,
  model: 'm',
  promptTokens: 1,
  completionTokens: 1,
  latencyMs: 1,
  cached: false,
  error: null,
  createdAt: '2026-01-01T21:31:00.000Z',
};

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  purpose: 'incident',
  incident: incident(),
  events: [],
  analysis: null,
  appUrl: null,
  ...overrides,
});

const render = (m: OutgoingMessage, eventsInMessage = 5, timeZone = 'Europe/Moscow') =>
  renderIncident(m, { timeZone, eventsInMessage });

describe('telegram message', () => {
  it('shows the incident with every value escaped, times in the configured zone', () => {
    const { text } = render(
      message({
        incident: incident({
          title: '<script>alert("x")</script> & co',
          category: 'c2 <beacon>',
          consoleUrl: 'https://console.example/threats?id=1&view="a"',
        }),
        appUrl: 'http://127.0.0.1:8080/#/incidents/inc_1',
      }),
    );
    expect(text).toContain(
      '🔴 <b>CRITICAL</b> · <b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</b>',
    );
    expect(text).toContain('ID: <code>inc_019a2b3c4d5e0000deadbeef</code>');
    expect(text).toContain('Time: 2026-01-02 00:30:05 Europe/Moscow');
    expect(text).toContain('Status: 🆕 New');
    expect(text).toContain('Type: c2 &lt;beacon&gt;');
    expect(text).toContain('Host: <code>fs-01</code>');
    expect(text).toContain('Source: Webhook &lt;main&gt; (webhook)');
    expect(text).toContain(
      '<a href="https://console.example/threats?id=1&amp;view=%22a%22">Open in Webhook &lt;main&gt;</a>',
    );
    expect(text).toContain('<a href="http://127.0.0.1:8080/#/incidents/inc_1">Open in Vigil</a>');
    expect(text).not.toMatch(/<script|<beacon|<main>/);
  });

  it('never links anything but http(s)', () => {
    const { text } = render(message({ incident: incident({ consoleUrl: 'javascript:alert(1)' }) }));
    expect(text).not.toContain('href');
    expect(text).not.toContain('javascript');
  });

  it('summarises the latest eventsInMessage raw events and the AI analysis', () => {
    const events = [
      event(3, { type: 'ransomware', target: 'fs-01', detail: { path: '/srv/<x>' } }),
      event(2, 'not json <b>'),
      event(1, { type: 'first' }),
    ];
    const { text } = render(message({ events, analysis }), 2, 'UTC');
    expect(text).toContain('<b>Events</b> (latest 2)');
    expect(text).toContain(
      '• <code>21:30:03</code> type=ransomware, target=fs-01, detail.path=/srv/&lt;x&gt;',
    );
    expect(text).toContain('• <code>21:30:02</code> not json &lt;b&gt;');
    expect(text).not.toContain('type=first');
    expect(text).toContain(
      '🤖 <b>AI summary</b>\nLikely &lt;b&gt;ransomware&lt;/b&gt; &amp; lateral movement',
    );
    expect(text).toContain('AI severity: 🔴 critical — mass encryption');
    expect(text).toContain('• Isolate fs-01');
    expect(render(message({ analysis: { ...analysis, state: 'pending' } })).text).toContain(
      'AI analysis in progress',
    );
  });

  it('stays within 4096 characters, dropping events first', () => {
    const big = 'x'.repeat(5000);
    const events = Array.from({ length: 20 }, (_, i) => event(i, { blob: big, n: i }));
    const { text } = render(
      message({ incident: incident({ title: big }), events, analysis: { ...analysis, summary: big } }),
      20,
    );
    expect(renderedLength(text)).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(text).toContain('AI summary');
    expect(text).toContain('ID: <code>');
    // Escaping makes the HTML longer than what Telegram counts.
    expect(renderedLength('<b>&amp;&lt;</b>')).toBe(2);
  });

  it('offers the buttons the status allows, with callback data within 64 bytes', () => {
    const labels = (status: Status) =>
      incidentKeyboard({ id: 'inc_1', status })
        .inline_keyboard.flat()
        .map((b) => b.callback_data);
    expect(labels('new')).toEqual(['ack:inc_1', 'fp:inc_1', 'ref:inc_1']);
    expect(labels('acknowledged')).toEqual(['fp:inc_1', 'ref:inc_1']);
    expect(labels('in_progress')).toEqual(['fp:inc_1', 'ref:inc_1']);
    for (const status of ['closed', 'false_positive', 'resolved'] as const) {
      expect(labels(status)).toEqual(['ref:inc_1']);
    }
    const real = render(message()).replyMarkup!.inline_keyboard.flat();
    for (const button of real) {
      expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
    }
    expect(() => callbackData('ack', 'x'.repeat(61))).toThrow(/64 bytes/);
    expect(parseCallback('ack:inc_1')).toEqual({ action: 'ack', id: 'inc_1' });
    expect(parseCallback('allow:-100123')).toEqual({ action: 'allow', id: '-100123' });
    expect(parseCallback('apprv-0000')).toBeNull();
    expect(parseCallback('nope:1')).toBeNull();
    expect(render(message({ purpose: 'test' })).replyMarkup).toBeNull();
  });

  it('matches the request shape of the recorded incident keyboard', () => {
    const recorded = tgFixture<{
      reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] };
    }>('sendMessage_request_incident_keyboard.json');
    const ours = render(message()).replyMarkup!;
    expect(Object.keys(ours)).toEqual(['inline_keyboard']);
    expect(Object.keys(ours.inline_keyboard[0]![0]!).sort()).toEqual(
      Object.keys(recorded.reply_markup.inline_keyboard[0]![0]!).sort(),
    );
  });

  it('formats times per zone and names Telegram users for the timeline', () => {
    expect(formatTime('2026-01-01T21:30:05Z', 'UTC')).toBe('2026-01-01 21:30:05');
    expect(formatTime('2026-01-01T21:30:05Z', 'Asia/Tokyo')).toBe('2026-01-02 06:30:05');
    expect(escapeHtml(`a<b>&"c"`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(telegramActor({ id: 1, username: 'ann', first_name: 'Ann', last_name: 'Lee' })).toBe(
      'Telegram: @ann (Ann Lee)',
    );
    expect(telegramActor({ id: 42, first_name: 'Bob' })).toBe('Telegram: Bob (id 42)');
  });
});

describe('telegram commands', () => {
  it('parses commands, their bot address and glued chat ids (negative with _ or -)', () => {
    expect(parseCommand('/ping', 'vigil_bot')).toEqual({ name: 'ping', arg: '' });
    expect(parseCommand('/ping@Vigil_Bot', 'vigil_bot')).toEqual({ name: 'ping', arg: '' });
    expect(parseCommand('/ping@other_bot', 'vigil_bot')).toBeNull();
    expect(parseCommand('hello', 'vigil_bot')).toBeNull();
    expect(parseCommand('/accept-100123', null)).toEqual({ name: 'accept', arg: '-100123' });
    expect(parseCommand('/accept_100123@vigil_bot', 'vigil_bot')).toEqual({ name: 'accept', arg: '_100123' });
    expect(parseCommand('/ban 42', null)).toEqual({ name: 'ban', arg: '42' });
    expect(parseCommand('/unban42', null)).toEqual({ name: 'unban', arg: '42' });
    expect(parseCommand('/accepted', null)).toEqual({ name: 'accepted', arg: '' });
    expect(parseCommand('/banned', null)).toEqual({ name: 'banned', arg: '' });
    expect(parseChatId('_100123')).toBe('-100123');
    expect(parseChatId('-100123')).toBe('-100123');
    expect(parseChatId('42')).toBe('42');
    expect(parseChatId('')).toBeNull();
    expect(parseChatId('12ab')).toBeNull();
    expect(chatCommand('accept', '-100123')).toBe('/accept_100123');
    expect(chatCommand('unban', '42')).toBe('/unban42');
  });

  it('reads the recorded updates', () => {
    const envelope = tgFixture<{ result: unknown[] }>('getUpdates_response.json');
    const update = tgUpdateSchema.parse(envelope.result[0]);
    expect(update.update_id).toBe(10000);
    expect(update.message?.chat.id).toBe('1111111');
    expect(update.message?.text).toBe('/start');
    const callback = tgUpdateSchema.parse(tgFixture('update_callback_query_with_message.CONSTRUCTED.json'));
    expect(callback.callback_query?.message?.chat.id).toBe('-1001234567890');
    expect(callback.callback_query?.from.username).toBe('Testusername');
  });
});
