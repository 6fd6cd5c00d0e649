/**
 * The sanitizer against a corpus of realistic incident payloads
 * (tests/fixtures/sanitizer/corpus.json): every sensitive value a case lists
 * must be gone from the masked output, every "keep" value must still be
 * there, and unmasking must give back the original exactly.
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
}

const corpus = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/sanitizer/corpus.json'), 'utf8'),
) as { cases: CorpusCase[] };

/** A value as it may appear in serialized output: as is, JSON-escaped once (a raw body), twice. */
function spellings(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  return [value, once, JSON.stringify(once).slice(1, -1)];
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
    expect(corpus.cases.length).toBeGreaterThanOrEqual(30);
    for (const c of corpus.cases) {
      expect(c.sensitive.length, c.name).toBeGreaterThanOrEqual(4);
      expect(c.keep.length, c.name).toBeGreaterThanOrEqual(2);
      if (c.known) entitiesSchema.parse(c.known);
      // The listed values really are in the payload (a typo would make the test pass vacuously).
      const source = JSON.stringify(c.payload).toLowerCase();
      for (const value of [...c.sensitive, ...c.keep])
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

    it('keeps hashes, MITRE ids and the other listed values readable', () => {
      const lost = c.keep.filter((v) => !spellings(v).some((s) => serialized.includes(s)));
      expect(lost).toEqual([]);
    });

    it('restores the original exactly with unmaskDeep, and string by string with unmask', () => {
      expect(sanitizer.unmaskDeep(value, map)).toEqual(c.payload);
      const masked = allStrings(value);
      const original = allStrings(c.payload);
      expect(masked.map((s) => sanitizer.unmask(s, map))).toEqual(original);
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
