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

/**
 * The credential, LDAP DN and ARN readers on hostile input. No clock here:
 * each case runs within the test's timeout (a scan that re-reads its input
 * per match would take minutes on 1 MB), and the output is checked: no
 * credential survives, and text without one comes back exactly.
 */
const fill = (unit: string, prefix = ''): string =>
  prefix + unit.repeat(Math.ceil((MB - prefix.length) / unit.length));

/**
 * [name, input, what comes out]: `exact` (no credential in it: unmask gives
 * the input back), `redacted` (credential-shaped text: tokens and no map
 * entry for them), or a credential that must not survive.
 */
const readerCases: [string, () => string, 'exact' | 'redacted' | { gone: string }][] = [
  ['password= run', () => fill('password='), 'redacted'],
  ['password: run', () => fill('password: '), 'redacted'],
  ['quoted key run', () => fill('"password":"'), 'exact'],
  ['--password run', () => fill('--password '), 'exact'],
  ['$( values', () => fill('password=$('), 'exact'],
  ['psexec -p run', () => fill(' -p', 'psexec'), 'exact'],
  ['psexec -p value run', () => fill(' -p Pw9!', 'psexec'), { gone: 'Pw9!' }],
  ['mysql glued -p run', () => fill(' -pPw9!', 'mysql'), { gone: 'Pw9!' }],
  ['-p without a tool', () => fill(' -p x'), 'exact'],
  ['tools and flags', () => fill('psexec -p Pw9! ssh -p 22 '), { gone: 'Pw9!' }],
  ['net user run', () => fill('net user '), 'redacted'],
  ['net use run', () => fill('net use \\\\h\\s '), 'redacted'],
  ['eyJ run', () => fill('eyJ'), 'exact'],
  ['JWT-shaped run', () => fill('eyJaaaaaaaa.'), 'redacted'],
  ['access key ids', () => fill('AKIAIOSFODNN7EXAMPLE '), { gone: 'AKIAIOSFODNN7EXAMPLE' }],
  ['scheme and colons', () => fill('://a:bbbb'), 'exact'],
  ['userinfo @ run', () => fill('a:b@', 'http://'), 'redacted'],
  ['PEM headers without an end', () => fill('-----BEGIN PRIVATE KEY-----'), 'exact'],
  ['bearer run', () => fill('Bearer '), 'exact'],
  ['Authorization: run', () => fill('Authorization: '), 'redacted'],
  ['ConvertTo-SecureString run', () => fill('"x" | ConvertTo-SecureString '), 'redacted'],
  ['CN= run', () => fill('CN='), 'exact'],
  ['CN=a, run', () => fill('CN=a,'), 'exact'],
  ['one DN of many parts', () => fill(',OU=a', 'CN=x'), 'exact'],
  ['one DN of many DC parts', () => fill(',DC=a', 'CN=x'), 'exact'],
  ['DN escapes', () => fill('\\,', 'CN='), 'exact'],
  ['arn: run', () => fill('arn:'), 'exact'],
  ['ARN prefix run', () => fill('arn:aws:iam::123456789012:'), 'exact'],
  ['ARN with a long resource', () => fill('a/', 'arn:aws:iam::123456789012:user/'), 'exact'],
  ['many distinct passwords', () => fill('password=Pw1x!a '), { gone: 'Pw1x!a' }],
];

describe('credential, DN and ARN readers on adversarial input', () => {
  const sanitizer = new Sanitizer(() => ({ enabled: true, classes: [], allow: [] }));

  it.each(readerCases)('%s stays linear', { timeout: 30_000 }, (_name, make, outcome) => {
    const input = make();
    const { value, map } = sanitizer.mask({ text: input });
    const redacted = sanitizer.redactSecrets(input);
    expect(typeof value.text).toBe('string');
    expect(Object.keys(map).filter((k) => k.startsWith('SECRET'))).toEqual([]);
    if (outcome === 'exact') {
      expect(sanitizer.unmaskDeep(value, map).text).toBe(input);
      expect(redacted).toBe(input);
    } else if (outcome === 'redacted') {
      expect(value.text).toContain('SECRET_1');
      expect(redacted).toContain('SECRET_1');
    } else {
      expect(value.text).not.toContain(outcome.gone);
      expect(redacted).not.toContain(outcome.gone);
      expect(JSON.stringify(map)).not.toContain(outcome.gone);
    }
  });
});
