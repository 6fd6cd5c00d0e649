/**
 * The sanitizer against a corpus of realistic incident payloads
 * (tests/fixtures/sanitizer/corpus.json): every sensitive value a case lists
 * must be gone from the masked output, every "keep" value must still be
 * there, and unmasking must give back the original exactly, except the
 * credentials a case lists under "secrets": those are gone from the masked
 * output and stay SECRET_n after unmask (they are never restored).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { Sanitizer, type PseudonymMap } from '../../electron/core/sanitizer/sanitizer';
import { entitiesSchema, type Entities } from '../../shared/domain';

interface CorpusCase {
  name: string;
  known?: Entities;
  payload: Record<string, unknown>;
  sensitive: string[];
  keep: string[];
  secrets?: string[];
}

const corpus = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/sanitizer/corpus.json'), 'utf8'),
) as { cases: CorpusCase[] };

/** A value as it may appear in serialized output: as is, JSON-escaped once (a raw body), twice. */
function spellings(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  return [value, once, JSON.stringify(once).slice(1, -1)];
}

/** Every string of `value` with `edit` applied (keys and shape kept). */
function mapStrings(value: unknown, edit: (text: string) => string): unknown {
  if (typeof value === 'string') return edit(value);
  if (Array.isArray(value)) return (value as unknown[]).map((item) => mapStrings(item, edit));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, edit)]));
  return value;
}

/**
 * What unmask can give back for a case: the payload with each listed
 * credential (in any JSON-escaped spelling) and each SECRET_n token read as
 * one placeholder.
 */
function withoutSecrets(value: unknown, secrets: string[]): unknown {
  const spelled = secrets.flatMap((secret) => spellings(secret)).sort((a, b) => b.length - a.length);
  return mapStrings(value, (text) => {
    let out = text.replace(/SECRET_\d+/g, '\u0000');
    for (const secret of spelled) out = out.split(secret).join('\u0000');
    return out;
  });
}

function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value as unknown[]) allStrings(item, out);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) allStrings(item, out);
  return out;
}

describe('sanitizer corpus', () => {
  const sanitizer = new Sanitizer(() => ({ enabled: true, classes: [], allow: [] }));

  it('holds about thirty realistic cases, each listing what it hides and what it keeps', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(33);
    expect(corpus.cases.filter((c) => (c.secrets ?? []).length > 0).length).toBeGreaterThanOrEqual(3);
    for (const c of corpus.cases) {
      expect(c.sensitive.length, c.name).toBeGreaterThanOrEqual(4);
      expect(c.keep.length, c.name).toBeGreaterThanOrEqual(2);
      if (c.known) entitiesSchema.parse(c.known);
      // The listed values really are in the payload (a typo would make the test pass vacuously).
      const source = JSON.stringify(c.payload).toLowerCase();
      for (const value of [...c.sensitive, ...c.keep, ...(c.secrets ?? [])])
        expect(
          spellings(value.toLowerCase()).some((s) => source.includes(s)),
          `${c.name}: ${value}`,
        ).toBe(true);
    }
  });

  describe.each(corpus.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { value, map } = sanitizer.mask(c.payload, c.known);
    const serialized = JSON.stringify(value);

    it('leaves none of the sensitive values in the output (any letter case)', () => {
      const lower = serialized.toLowerCase();
      const leaked = c.sensitive.filter((v) => spellings(v.toLowerCase()).some((s) => lower.includes(s)));
      expect(leaked).toEqual([]);
    });

    it('leaves no credential in the output, in the map, or in what unmask gives back', () => {
      const secrets = c.secrets ?? [];
      const restored = JSON.stringify(sanitizer.unmaskDeep(value, map));
      const stored = JSON.stringify(map);
      const leaked = secrets.filter((v) =>
        spellings(v).some((s) => serialized.includes(s) || restored.includes(s) || stored.includes(s)),
      );
      expect(leaked).toEqual([]);
    });

    it('keeps hashes, MITRE ids and the other listed values readable', () => {
      const lost = c.keep.filter((v) => !spellings(v).some((s) => serialized.includes(s)));
      expect(lost).toEqual([]);
    });

    it('restores the original exactly with unmaskDeep, and string by string with unmask', () => {
      const secrets = c.secrets ?? [];
      expect(withoutSecrets(sanitizer.unmaskDeep(value, map), secrets)).toEqual(
        withoutSecrets(c.payload, secrets),
      );
      const masked = allStrings(value);
      const original = allStrings(c.payload);
      expect(
        allStrings(
          withoutSecrets(
            masked.map((s) => sanitizer.unmask(s, map)),
            secrets,
          ),
        ),
      ).toEqual(allStrings(withoutSecrets(original, secrets)));
      expect(masked.some((s, i) => s !== original[i])).toBe(true);
    });

    it('is consistent across calls: masking again with the same map changes nothing', () => {
      const copy: PseudonymMap = { ...map };
      const again = sanitizer.mask(c.payload, c.known, copy);
      expect(again.value).toEqual(value);
      expect(copy).toEqual(map);
    });
  });
});
