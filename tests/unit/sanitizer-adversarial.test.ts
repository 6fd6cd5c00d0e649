/**
 * Hostile input must not make the sanitizer's regular expressions backtrack
 * catastrophically. Each case gets a generous bound (it finishes in a few
 * milliseconds on a laptop; a quadratic scan of 1 MB would take minutes), so
 * a slow CI machine does not make the test flaky while a real regression does.
 */
import { describe, expect, it } from 'vitest';

import { Sanitizer } from '../../electron/core/sanitizer/sanitizer';
import { emptyEntities } from '../../shared/domain';

const BOUND_MS = 2_000;
const MB = 1 << 20;

const cases: [string, () => string][] = [
  ['1 MB of a', () => 'a'.repeat(MB)],
  ['1 MB of digits', () => '1'.repeat(MB)],
  ['100k dots', () => '.'.repeat(100_000)],
  ['100k dotted labels', () => 'a.'.repeat(100_000)],
  ['100k dotted digits', () => '1.'.repeat(100_000)],
  ['Windows path nested 50k deep', () => 'C:\\' + 'a\\'.repeat(50_000) + 'x.exe'],
  ['Windows path of spaced folders', () => 'C:\\' + 'a b\\'.repeat(50_000)],
  ['JSON-escaped path nested 50k deep', () => '{"p":"C:\\\\' + 'ab\\\\'.repeat(50_000) + '"}'],
  ['Unix path nested 100k deep', () => '/' + 'a/'.repeat(100_000)],
  ['UNC path nested 50k deep', () => '\\\\srv\\' + 'share\\'.repeat(50_000)],
  ['quoted path never closed', () => '"C:\\' + 'a '.repeat(200_000)],
  ['many opening quotes', () => '"C:\\'.repeat(50_000)],
  ['100k colons', () => 'a:'.repeat(100_000)],
  ['hex and colons', () => 'ab:'.repeat(100_000) + 'zz'],
  ['IPv6-ish run', () => '1:'.repeat(100_000)],
  ['100k at signs', () => 'a@'.repeat(100_000)],
  ['e-mail-ish run', () => 'a@b.'.repeat(50_000)],
  ['100k backslashes', () => '\\'.repeat(100_000)],
  ['DOMAIN\\user run', () => 'ab\\'.repeat(100_000)],
  ['key= run', () => 'user='.repeat(100_000)],
  ['quoted key run', () => 'hostname: "'.repeat(50_000)],
  ['host keyword run', () => 'host '.repeat(100_000)],
  ['SID prefix run', () => 'S-1-5-21-'.repeat(50_000)],
  ['URL scheme run', () => 'http://'.repeat(100_000)],
  ['syslog-looking lines', () => ('\nMar  3 10:15:01 ' + 'a'.repeat(100)).repeat(5_000)],
  ['long token of name characters', () => 'a-b_c%d+e$'.repeat(100_000)],
];

describe('sanitizer on adversarial input', () => {
  const sanitizer = new Sanitizer(() => ({ enabled: true, classes: [], allow: [] }));
  const known = { ...emptyEntities(), hosts: ['srv', 'a'], users: ['ab'] };

  it.each(cases)('%s completes quickly', (_name, make) => {
    const input = make();
    const started = performance.now();
    const { value, map } = sanitizer.mask({ text: input, list: [input.slice(0, 1000)] }, known);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(BOUND_MS);
    expect(typeof value.text).toBe('string');
    expect(sanitizer.unmaskDeep(value, map).text).toBe(input);
  });
});
