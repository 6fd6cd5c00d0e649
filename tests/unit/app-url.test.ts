import { describe, expect, it } from 'vitest';

import { incidentUrl } from '../../electron/server/app-url';
import { parseRoute } from '../../renderer/src/lib/route';

describe('incident links in messages', () => {
  it('point at the incident route of the console, behind a proxy path too', () => {
    expect(incidentUrl('http://127.0.0.1:8787', 'inc_01')).toBe('http://127.0.0.1:8787/#/incidents/inc_01');
    expect(incidentUrl('https://soc.example/vigil', 'inc 1/2')).toBe(
      'https://soc.example/vigil/#/incidents/inc%201%2F2',
    );
  });

  it('are left out without an http(s) address', () => {
    expect(incidentUrl(null, 'inc_01')).toBeNull();
    expect(incidentUrl('not a url', 'inc_01')).toBeNull();
    expect(incidentUrl('javascript:alert(1)', 'inc_01')).toBeNull();
  });

  it('open that incident in the renderer', () => {
    const url = new URL(incidentUrl('http://127.0.0.1:8787', 'inc_01')!);
    expect(parseRoute(url.hash, Date.now())).toMatchObject({ view: 'incidents', incidentId: 'inc_01' });
    const odd = new URL(incidentUrl('https://soc.example/vigil', 'inc 1/2')!);
    expect(parseRoute(odd.hash, Date.now()).incidentId).toBe('inc 1/2');
  });
});
