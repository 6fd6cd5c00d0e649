import { describe, expect, it } from 'vitest';

import type { IncidentListItem } from '../../shared/domain';
import { formatRoute, parseRoute } from '../../renderer/src/lib/route';
import { matchesFilters, mergeChanges } from '../../renderer/src/store/incidents-slice';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

function item(id: string, overrides: Partial<IncidentListItem> = {}): IncidentListItem {
  return {
    id,
    source: { kind: 'webhook', id: 'hook', name: 'Webhook' },
    title: id,
    severity: 'high',
    status: 'new',
    category: null,
    firstSeen: '2026-03-01T11:00:00.000Z',
    lastSeen: '2026-03-01T11:00:00.000Z',
    count: 1,
    assignee: null,
    host: 'ws-1',
    ...overrides,
  };
}

describe('incident routes', () => {
  it('reads the view, the open incident and every filter from the hash, and writes them back the same', () => {
    const hash =
      '#/incidents/inc_42?severity=high,critical&status=new&sourceKind=sentinelone&sourceId=s1' +
      '&q=mimikatz%20dump&host=ws-*&ip=10.0.0.5&user=CORP%5Cjdoe&tag=phishing&assignee=alice' +
      '&from=2026-02-01T00:00:00.000Z&to=2026-02-02T00:00:00.000Z&sort=severity&order=asc';
    const route = parseRoute(hash, NOW);
    expect(route).toEqual({
      view: 'incidents',
      incidentId: 'inc_42',
      range: null,
      filters: {
        severity: ['high', 'critical'],
        status: ['new'],
        sourceKind: ['sentinelone'],
        sourceId: ['s1'],
        q: 'mimikatz dump',
        host: 'ws-*',
        ip: '10.0.0.5',
        user: 'CORP\\jdoe',
        tag: 'phishing',
        assignee: 'alice',
        from: '2026-02-01T00:00:00.000Z',
        to: '2026-02-02T00:00:00.000Z',
        sort: 'severity',
        order: 'asc',
      },
    });
    expect(formatRoute(route)).toBe(hash);
  });

  it('resolves a range preset against now and keeps only the preset in the URL', () => {
    const route = parseRoute('#/incidents?range=24h&to=2026-01-01T00:00:00.000Z', NOW);
    expect(route.range).toBe('24h');
    expect(route.filters).toEqual({ from: '2026-02-28T12:00:00.000Z' });
    expect(formatRoute(route)).toBe('#/incidents?range=24h');
  });

  it('drops what does not pass the contract instead of failing, and defaults to the incidents view', () => {
    const route = parseRoute('#/nowhere?severity=high,bogus&status=&sort=chaos&from=yesterday&q=%20', NOW);
    expect(route).toEqual({ view: 'incidents', incidentId: null, range: null, filters: {} });
    expect(parseRoute('', NOW).view).toBe('incidents');
    expect(parseRoute('#/incidents/%E0%A4%A', NOW).incidentId).toBeNull();
  });

  it('leaves the default sort and the filters out of other views', () => {
    const route = parseRoute('#/incidents?sort=lastSeen&order=desc', NOW);
    expect(formatRoute(route)).toBe('#/incidents');
    expect(formatRoute({ ...route, view: 'dashboard', filters: { severity: ['low'] } })).toBe('#/dashboard');
  });
});

describe('live incident changes', () => {
  it('replaces known rows in place and hands back new ones, newest first', () => {
    const items = [item('a'), item('b'), item('c')];
    const merged = mergeChanges(items, [
      { item: item('b', { status: 'acknowledged' }), change: 'updated' },
      { item: item('x'), change: 'created' },
      { item: item('y'), change: 'created' },
      { item: item('z'), change: 'updated' },
    ]);
    expect(merged.items.map((i) => `${i.id}:${i.status}`)).toEqual(['a:new', 'b:acknowledged', 'c:new']);
    expect(merged.created.map((i) => i.id)).toEqual(['y', 'x']);
    expect(items[1]!.status).toBe('new');
  });

  it('says whether a row matches, or that only the core can tell', () => {
    const row = item('a', { severity: 'critical', lastSeen: '2026-03-01T11:00:00.000Z' });
    expect(matchesFilters(row, { severity: ['critical'], status: ['new'] })).toBe(true);
    expect(matchesFilters(row, { severity: ['low'] })).toBe(false);
    expect(matchesFilters(row, { sourceKind: ['sentinelone'] })).toBe(false);
    expect(matchesFilters(row, { from: '2026-03-01T11:30:00.000Z' })).toBe(false);
    expect(matchesFilters(row, { to: '2026-03-01T11:00:00.000Z' })).toBe(false);
    expect(matchesFilters(row, { severity: ['critical'], q: 'mimikatz' })).toBeNull();
    expect(matchesFilters(row, { severity: ['low'], host: 'ws-1' })).toBe(false);
  });
});
