import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Incident, Severity, Status } from '../../shared/domain';
import { SEVERITIES, STATUSES, emptyEntities, severityRank } from '../../shared/domain';
import type { IncidentQuery, IncidentSort } from '../../shared/ipc/contract';
import { LIST_TOTAL_CAP } from '../../shared/ipc/contract';
import { incidentFixture } from '../helpers/incidents';
import { triageHarness } from '../helpers/triage';

type Harness = ReturnType<typeof triageHarness>;

const BASE = Date.parse('2026-11-20T00:00:00.000Z');
const minutes = (n: number) => new Date(BASE + n * 60_000).toISOString();

function incident(n: number, overrides: Partial<Incident> = {}): Incident {
  return incidentFixture({
    id: `inc_${String(n).padStart(4, '0')}`,
    fingerprint: `fp-${n}`,
    title: `Incident ${n}`,
    at: minutes(n),
    ...overrides,
  });
}

/** Every page of a list, through the contract, following nextCursor to the end. */
async function allPages(h: Harness, query: IncidentQuery, limit: number) {
  const ids: string[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await h.call('incidents.list', { ...query, limit, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((i) => i.id));
    totals.push(page.total);
    pages++;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
    expect(pages).toBeLessThan(100);
  }
  return { ids, totals, pages };
}

async function ids(h: Harness, query: IncidentQuery): Promise<string[]> {
  const page = await h.call('incidents.list', { ...query, limit: 500 });
  expect(page.total).toBe(page.items.length);
  return page.items.map((i) => i.id).sort();
}

describe('incident list: sorts and keyset pages', () => {
  let h: Harness;
  const stored: Incident[] = [];
  beforeEach(() => {
    h = triageHarness();
    stored.length = 0;
    for (let n = 1; n <= 50; n++) {
      // Many equal lastSeen values (n % 17) so the id decides the order between them.
      const row = incident(n, {
        severity: SEVERITIES[n % 5]!,
        status: STATUSES[n % 6]!,
        firstSeen: minutes(-((n * 7) % 23)),
        lastSeen: minutes(n % 17),
      });
      stored.push(row);
      h.insert(row);
    }
  });
  afterEach(() => h.close());

  const key: Record<IncidentSort, (i: Incident) => (string | number)[]> = {
    lastSeen: (i) => [i.lastSeen, i.id],
    firstSeen: (i) => [i.firstSeen, i.id],
    severity: (i) => [severityRank(i.severity), i.lastSeen, i.id],
  };
  const compare = (a: (string | number)[], b: (string | number)[]) => {
    for (let k = 0; k < a.length; k++) {
      if (a[k]! < b[k]!) return -1;
      if (a[k]! > b[k]!) return 1;
    }
    return 0;
  };

  for (const sort of ['lastSeen', 'firstSeen', 'severity'] as const) {
    for (const order of ['desc', 'asc'] as const) {
      it(`pages by ${sort} ${order} without gaps or repeats`, async () => {
        const expected = [...stored]
          .sort((a, b) => compare(key[sort](a), key[sort](b)) * (order === 'desc' ? -1 : 1))
          .map((i) => i.id);
        const { ids: seen, totals, pages } = await allPages(h, { sort, order }, 7);
        expect(pages).toBe(8);
        expect(seen).toEqual(expected);
        expect(new Set(totals)).toEqual(new Set([50]));
      });
    }
  }

  it('pages a filtered list in its sort, and a search too', async () => {
    const highs = stored.filter((i) => i.severity === 'high' || i.severity === 'critical');
    const expected = [...highs].sort((a, b) => -compare(key.severity(a), key.severity(b))).map((i) => i.id);
    const filtered = await allPages(h, { severity: ['high', 'critical'], sort: 'severity' }, 3);
    expect(filtered.ids).toEqual(expected);
    expect(filtered.totals.every((t) => t === highs.length)).toBe(true);

    const searched = await allPages(h, { q: 'incident', order: 'asc' }, 9);
    expect(searched.ids).toEqual(
      [...stored].sort((a, b) => compare(key.lastSeen(a), key.lastSeen(b))).map((i) => i.id),
    );
  });

  it('refuses a cursor from another sort, order or filters, and one that is not a cursor', async () => {
    const first = await h.call('incidents.list', { limit: 5 });
    expect(first.nextCursor).toEqual(expect.any(String));
    const cursor = first.nextCursor!;
    await expect(h.call('incidents.list', { limit: 5, cursor, sort: 'firstSeen' })).rejects.toThrow(
      /^bad_request: cursor: .*sorted by lastSeen desc, not firstSeen desc/,
    );
    await expect(h.call('incidents.list', { limit: 5, cursor, order: 'asc' })).rejects.toThrow(
      /^bad_request: cursor:/,
    );
    await expect(h.call('incidents.list', { limit: 5, cursor, status: ['new'] })).rejects.toThrow(
      /^bad_request: cursor: .*other filters/,
    );
    for (const bad of ['garbage', Buffer.from('[1,2]').toString('base64url'), cursor.slice(0, -4)]) {
      await expect(h.call('incidents.list', { limit: 5, cursor: bad })).rejects.toThrow(
        /^bad_request: cursor:/,
      );
    }
    // The same cursor with the same query (filters listed in another order) goes on.
    const severity: Severity[] = ['low', 'high'];
    const a = await h.call('incidents.list', { limit: 2, severity });
    const next = await h.call('incidents.list', {
      limit: 2,
      severity: [...severity].reverse(),
      cursor: a.nextCursor!,
    });
    expect(next.items.map((i) => i.id)).not.toContain(a.items[0]!.id);
  });
});

describe('incident list: filters', () => {
  let h: Harness;
  let one: Incident;
  let two: Incident;
  let three: Incident;
  let four: Incident;
  beforeEach(() => {
    h = triageHarness();
    one = incident(1, {
      title: 'Mimikatz executed on WS-FIN-042',
      severity: 'critical',
      status: 'new',
      assignee: 'Ana.Petrova',
      entities: { ...emptyEntities(), hosts: ['WS-FIN-042'], ips: ['10.20.30.40'], users: ['CORP\\jdoe'] },
      tags: ['vip'],
    });
    two = incident(2, {
      title: 'Encoded PowerShell downloading a payload',
      severity: 'high',
      status: 'acknowledged',
      assignee: 'ana.smith',
      source: { kind: 'sentinelone', id: 's1', name: 'SentinelOne' },
      entities: {
        ...emptyEntities(),
        hosts: ['ws-fin-042.corp.local'],
        ips: ['10.20.30.4', '203.0.113.9'],
        users: ['j.doe@corp.local'],
      },
      tags: ['pci'],
    });
    three = incident(3, {
      title: 'Lateral movement over SMB',
      severity: 'low',
      status: 'resolved',
      assignee: 'bob',
      source: { kind: 'maxpatrol', id: 'mp', name: 'MaxPatrol' },
      entities: { ...emptyEntities(), hosts: ['WS-FIN-0421'], ips: ['110.20.30.40'], users: ['CORP\\jdoe2'] },
      tags: ['vip-customer'],
    });
    four = incident(4, {
      title: 'Suspicious scheduled task',
      source: { kind: 'maxpatrol', id: 'mp-2', name: 'MaxPatrol 2' },
      entities: { ...emptyEntities(), hosts: ['SRV-DB-01'], users: ['svc_backup'] },
    });
    h.insert(one, two, three, four);
  });
  afterEach(() => h.close());

  it('filters by severity, status, source kind and source id', async () => {
    expect(await ids(h, { severity: ['critical', 'high'] })).toEqual([one.id, two.id]);
    expect(await ids(h, { status: ['resolved'] })).toEqual([three.id]);
    expect(await ids(h, { status: ['new', 'acknowledged', 'in_progress'] })).toEqual([
      one.id,
      two.id,
      four.id,
    ]);
    expect(await ids(h, { sourceKind: ['maxpatrol'] })).toEqual([three.id, four.id]);
    expect(await ids(h, { sourceId: ['mp'] })).toEqual([three.id]);
    expect(await ids(h, { sourceKind: ['maxpatrol'], severity: ['medium'] })).toEqual([four.id]);
    expect(await ids(h, { sourceKind: ['demo'] })).toEqual([]);
  });

  it('filters a host, IP, user or tag by whole value (any case), or by prefix with *', async () => {
    expect(await ids(h, { host: 'WS-FIN-042' })).toEqual([one.id]);
    expect(await ids(h, { host: 'ws-fin-042' })).toEqual([one.id]);
    expect(await ids(h, { host: 'ws-fin-042.corp.local' })).toEqual([two.id]);
    expect(await ids(h, { host: 'WS-FIN' })).toEqual([]);
    expect(await ids(h, { host: 'WS-FIN-042*' })).toEqual([one.id, two.id, three.id]);
    expect(await ids(h, { host: 'srv*' })).toEqual([four.id]);

    expect(await ids(h, { ip: '10.20.30.40' })).toEqual([one.id]);
    expect(await ids(h, { ip: '10.20.30.4' })).toEqual([two.id]);
    expect(await ids(h, { ip: '10.20.30.4*' })).toEqual([one.id, two.id]);
    expect(await ids(h, { ip: '203.0.113.9' })).toEqual([two.id]);

    expect(await ids(h, { user: 'CORP\\jdoe' })).toEqual([one.id]);
    expect(await ids(h, { user: 'corp\\JDOE' })).toEqual([one.id]);
    expect(await ids(h, { user: 'j.doe@corp.local' })).toEqual([two.id]);
    expect(await ids(h, { user: 'jdoe' })).toEqual([]);
    expect(await ids(h, { user: 'CORP\\jdoe*' })).toEqual([one.id, three.id]);
    expect(await ids(h, { user: 'svc_backup' })).toEqual([four.id]);

    expect(await ids(h, { tag: 'vip' })).toEqual([one.id]);
    expect(await ids(h, { tag: 'vip*' })).toEqual([one.id, three.id]);

    expect(await ids(h, { host: 'WS-FIN-042*', severity: ['critical', 'low'] })).toEqual([one.id, three.id]);
    // Nothing searchable in the value: nothing matches, and nothing fails.
    expect(await ids(h, { host: '---' })).toEqual([]);
  });

  it('filters the assignee by whole value or prefix, ignoring case', async () => {
    expect(await ids(h, { assignee: 'ana.petrova' })).toEqual([one.id]);
    expect(await ids(h, { assignee: 'ANA.PETROVA' })).toEqual([one.id]);
    expect(await ids(h, { assignee: 'ana' })).toEqual([]);
    expect(await ids(h, { assignee: 'ana*' })).toEqual([one.id, two.id]);
    expect(await ids(h, { assignee: 'ANA.*' })).toEqual([one.id, two.id]);
    expect(await ids(h, { assignee: 'b*' })).toEqual([three.id]);
    expect(await ids(h, { assignee: 'ana%' })).toEqual([]);
  });

  it('bounds lastSeen with from (inclusive) and to (exclusive), in any offset', async () => {
    expect(await ids(h, { from: minutes(2) })).toEqual([two.id, three.id, four.id]);
    expect(await ids(h, { to: minutes(2) })).toEqual([one.id]);
    expect(await ids(h, { from: minutes(2), to: minutes(4) })).toEqual([two.id, three.id]);
    // 03:02+03:00 is 00:02Z.
    expect(await ids(h, { from: '2026-11-20T03:02:00+03:00', to: minutes(3) })).toEqual([two.id]);
  });

  it('searches titles, hosts, IPs, users, tags and AI summaries, whole words and prefixes', async () => {
    h.summarize(four, 'HOST_1 beaconed to an exfiltration server');
    expect(await ids(h, { q: 'WS-FIN-042' })).toEqual([one.id, two.id]);
    expect(await ids(h, { q: 'ws-fin-04*' })).toEqual([one.id, two.id, three.id]);
    expect(await ids(h, { q: '10.20.30.40' })).toEqual([one.id]);
    expect(await ids(h, { q: '10.20.30*' })).toEqual([one.id, two.id]);
    expect(await ids(h, { q: 'CORP\\jdoe' })).toEqual([one.id]);
    expect(await ids(h, { q: 'jdoe' })).toEqual([one.id]);
    expect(await ids(h, { q: 'jdoe*' })).toEqual([one.id, three.id]);
    expect(await ids(h, { q: 'j.doe@corp.local' })).toEqual([two.id]);
    expect(await ids(h, { q: 'backup' })).toEqual([four.id]);
    expect(await ids(h, { q: 'MIMIKATZ' })).toEqual([one.id]);
    expect(await ids(h, { q: 'mimi*' })).toEqual([one.id]);
    expect(await ids(h, { q: 'mimi' })).toEqual([]);
    expect(await ids(h, { q: 'pci' })).toEqual([two.id]);
    expect(await ids(h, { q: 'exfiltration' })).toEqual([four.id]);
    expect(await ids(h, { q: 'lateral smb' })).toEqual([three.id]);
    expect(await ids(h, { q: 'lateral powershell' })).toEqual([]);
    expect(await ids(h, { q: '"scheduled task"' })).toEqual([four.id]);
    expect(await ids(h, { q: '"task scheduled"' })).toEqual([]);
    expect(await ids(h, { q: 'mimikatz', status: ['resolved'] })).toEqual([]);
    expect(await ids(h, { q: 'ws-fin-04*', status: ['resolved'] })).toEqual([three.id]);

    // A newer analysis replaces the summary that is searched.
    h.summarize(four, 'Routine backup job, benign');
    expect(await ids(h, { q: 'exfiltration' })).toEqual([]);
    expect(await ids(h, { q: 'benign' })).toEqual([four.id]);
  });

  it('keeps the index in step when an incident changes', async () => {
    h.incidents.update({
      ...one,
      title: 'Renamed alert',
      entities: { ...one.entities, hosts: ['LT-HR-007'] },
    });
    expect(await ids(h, { q: 'mimikatz' })).toEqual([]);
    expect(await ids(h, { q: 'renamed' })).toEqual([one.id]);
    expect(await ids(h, { host: 'LT-HR-007' })).toEqual([one.id]);
    expect(await ids(h, { host: 'WS-FIN-042' })).toEqual([]);
    // A duplicate hit (count, lastSeen) leaves the index as it was.
    h.incidents.update({ ...two, count: 5, lastSeen: minutes(30) });
    expect(await ids(h, { q: 'powershell' })).toEqual([two.id]);
  });

  it('never fails on FTS5 syntax in the search text: it is searched for, or matches nothing', async () => {
    const texts = [
      '"',
      '""',
      '"unbalanced',
      'a"b',
      '*',
      '***',
      'mimikatz*"',
      'NEAR(mimikatz executed)',
      'mimikatz AND',
      'OR mimikatz',
      'NOT mimikatz',
      '(mimikatz',
      'title:mimikatz',
      '{hosts}: ws',
      '^mimikatz',
      '-mimikatz',
      'mimikatz + executed',
      '\\',
      "'; DROP TABLE incidents; --",
      '\u0000mimikatz',
      '𝔪𝔦𝔪𝔦',
      'ws-fin-042 -- "x" * ( ) : ^ + {}',
    ];
    for (const q of texts) {
      const page = await h.call('incidents.list', { q });
      expect(page.total, q).toBe(page.items.length);
    }
    // Punctuation inside a word only separates tokens: "title:mimikatz" is the phrase "title mimikatz".
    expect(await ids(h, { q: 'title:mimikatz' })).toEqual([]);
    expect(await ids(h, { q: 'mimikatz:executed' })).toEqual([one.id]);
    expect(await ids(h, { q: '(mimikatz' })).toEqual([one.id]);
    expect(await ids(h, { q: '---' })).toEqual([]);
    expect(await ids(h, { q: '"' })).toEqual([]);
    // Text that is only blanks is refused by the contract with a clear message.
    await expect(h.call('incidents.list', { q: '   ' })).rejects.toThrow(/^bad_request: q:/);
  });
});

describe('incident list: total', () => {
  let h: Harness;
  beforeEach(() => {
    h = triageHarness();
  });
  afterEach(() => h.close());

  it(`counts up to ${LIST_TOTAL_CAP.toLocaleString('en')} and then says so`, async () => {
    // One statement inserts them all (the triggers index each); half are critical.
    h.db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO incidents (id, fingerprint, source_kind, source_id, source_name, title, description, severity,
           severity_rank, status, mitre, entities, host, first_seen, last_seen, count, tags, created_at, updated_at)
         SELECT printf('inc_%07d', i), 'fp', 'webhook', 'w', 'W', 'Beacon ' || i, '',
           CASE i % 2 WHEN 0 THEN 'critical' ELSE 'low' END, CASE i % 2 WHEN 0 THEN 4 ELSE 1 END, 'new', '{}',
           '{"hosts":["h' || (i % 7) || '"],"users":[],"ips":[]}', NULL,
           printf('2026-01-01T00:00:%02dZ', i % 60), printf('2026-01-01T%02d:00:00Z', i % 24), 1, '[]', 'x', 'x'
         FROM n`,
      )
      .run(LIST_TOTAL_CAP + 20);
    const status: Status[] = ['new'];
    const all = await h.call('incidents.list', { limit: 10 });
    expect(all).toMatchObject({ total: LIST_TOTAL_CAP, totalCapped: true });
    expect((await h.call('incidents.list', { limit: 10, status })).totalCapped).toBe(true);
    expect((await h.call('incidents.list', { limit: 10, q: 'beacon' })).totalCapped).toBe(true);
    const critical = await h.call('incidents.list', { limit: 10, severity: ['critical'] });
    expect(critical).toMatchObject({ total: (LIST_TOTAL_CAP + 20) / 2, totalCapped: false });
    const host = await h.call('incidents.list', { limit: 10, host: 'h3', severity: ['critical'] });
    expect(host.totalCapped).toBe(false);
    expect(host.total).toBe(
      (
        h.db
          .prepare(
            "SELECT count(*) AS n FROM incidents WHERE severity = 'critical' AND entities LIKE '%\"h3\"%'",
          )
          .get() as { n: number }
      ).n,
    );
    // A later page keeps the first page's count (carried by the cursor), without counting again.
    const next = await h.call('incidents.list', { limit: 10, cursor: all.nextCursor! });
    expect(next).toMatchObject({ total: LIST_TOTAL_CAP, totalCapped: true });
  }, 60_000);
});
