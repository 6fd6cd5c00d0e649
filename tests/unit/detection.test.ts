/**
 * The detection rules of POST /api/logs: each fires exactly at its threshold,
 * not one below it, not across keys, not over a spread wider than its window,
 * and reads its thresholds from the config at every evaluation.
 */
import { describe, expect, it } from 'vitest';

import type { Config, ConfigInput } from '../../shared/config';
import { parseConfig } from '../../shared/config';
import { ManualClock } from '../../electron/core/clock';
import type { Detection, LogRecord } from '../../electron/core/detection/engine';
import { DetectionEngine } from '../../electron/core/detection/engine';
import { parseAuthMessage, parseSyslogLine } from '../../electron/core/detection/auth-log';
import { hasPathTraversal, hasSqlInjection } from '../../electron/core/detection/injection';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const SEC = 1000;

function setup(input: ConfigInput = {}) {
  let config: Config = parseConfig(input);
  const clock = new ManualClock(T0);
  const engine = new DetectionEngine({
    settings: () => ({ detection: config.detection, timeZone: config.ui.timeZone }),
    clock,
  });
  return {
    engine,
    clock,
    setConfig(next: ConfigInput) {
      config = parseConfig(next);
    },
    /** Evaluates one record `offsetSec` after T0 and returns the rules that fired. */
    at(offsetSec: number, message: string, extra: Partial<LogRecord> = {}): Detection[] {
      return engine.evaluate({
        service: 'sshd',
        message,
        time: T0 + offsetSec * SEC,
        host: 'web-01',
        ...extra,
      });
    },
  };
}

const fail = (ip = '203.0.113.9', user = 'root') => `Failed password for ${user} from ${ip} port 52211 ssh2`;
const failInvalid = (user: string, ip = '203.0.113.9') =>
  `Failed password for invalid user ${user} from ${ip} port 40022 ssh2`;
const rules = (found: Detection[]) => found.map((d) => d.rule);

describe('auth-log parsing', () => {
  it('recognises sshd and sudo lines and takes the address sshd appended, not one hidden in the user name', () => {
    expect(parseAuthMessage(fail())).toEqual({
      kind: 'ssh_failure',
      user: 'root',
      ip: '203.0.113.9',
      invalidUser: false,
    });
    expect(parseAuthMessage(failInvalid('admin'))).toMatchObject({ invalidUser: true, user: 'admin' });
    expect(
      parseAuthMessage('Failed password for x from 10.0.0.1 port 1 ssh2 from 198.51.100.4 port 22 ssh2'),
    ).toMatchObject({ ip: '198.51.100.4', user: 'x from 10.0.0.1 port 1 ssh2' });
    expect(parseAuthMessage('Invalid user oracle from 198.51.100.7 port 4242')).toEqual({
      kind: 'ssh_invalid_user',
      user: 'oracle',
      ip: '198.51.100.7',
    });
    expect(
      parseAuthMessage('Accepted publickey for alice from 192.0.2.10 port 50000 ssh2: ED25519 SHA256:abc'),
    ).toEqual({ kind: 'ssh_accepted', user: 'alice', ip: '192.0.2.10', method: 'publickey' });
    expect(
      parseAuthMessage(
        'pam_unix(sudo:auth): authentication failure; logname=bob uid=1000 euid=0 tty=/dev/pts/1 ruser=bob rhost=  user=bob',
      ),
    ).toEqual({ kind: 'sudo_failure', user: 'bob' });
    expect(
      parseAuthMessage(
        '    bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/sh',
      ),
    ).toEqual({ kind: 'sudo_attempts', user: 'bob', attempts: 3 });
    expect(parseAuthMessage('Connection closed by 203.0.113.9 port 22 [preauth]')).toBeNull();
    expect(parseAuthMessage('Failed password for root from not-an-ip port 22 ssh2')).toBeNull();
  });

  it('splits BSD and RFC 3339 syslog prefixes', () => {
    expect(parseSyslogLine('Mar 10 12:00:01 web-01 sshd[811]: ' + fail())).toEqual({
      time: null,
      host: 'web-01',
      program: 'sshd',
      message: fail(),
    });
    expect(
      parseSyslogLine('2026-03-10T15:00:01+03:00 db-02 sudo: bob : 1 incorrect password attempt'),
    ).toEqual({
      time: Date.parse('2026-03-10T12:00:01Z'),
      host: 'db-02',
      program: 'sudo',
      message: 'bob : 1 incorrect password attempt',
    });
  });
});

describe('SSH brute force', () => {
  it('fires high on the 3rd failure from one IP within 60 s, not the 2nd, and once per window', () => {
    const t = setup();
    expect(t.at(0, fail())).toEqual([]);
    expect(t.at(20, fail())).toEqual([]);
    const third = t.at(40, fail());
    expect(rules(third)).toEqual(['ssh_brute_force']);
    expect(third[0]).toMatchObject({
      severity: 'high',
      title: 'SSH brute force from 203.0.113.9 on web-01',
      fingerprint: 'rule|ssh_brute_force|web-01||203.0.113.9',
      host: 'web-01',
      ip: '203.0.113.9',
      users: ['root'],
      time: T0 + 40 * SEC,
    });
    expect(third[0]!.evidence).toHaveLength(3);
    expect(third[0]!.evidence[2]).toContain(fail());
    // Still inside the window of the firing: quiet.
    expect(t.at(50, fail())).toEqual([]);
    expect(t.at(99, fail())).toEqual([]);
    // The window has passed and the attack goes on: it fires again.
    expect(rules(t.at(100, fail()))).toEqual(['ssh_brute_force']);
  });

  it('does not fire for failures spread over more than the window, nor across IPs or hosts', () => {
    const spread = setup();
    expect(spread.at(0, fail())).toEqual([]);
    expect(spread.at(30, fail())).toEqual([]);
    expect(spread.at(61, fail())).toEqual([]);
    // Exactly the window apart is already too wide: hits must fall inside windowSec.
    const edge = setup();
    edge.at(0, fail());
    edge.at(30, fail());
    expect(edge.at(60, fail())).toEqual([]);
    const inside = setup();
    inside.at(0, fail());
    inside.at(30, fail());
    expect(rules(inside.at(59.999, fail()))).toEqual(['ssh_brute_force']);

    const keys = setup();
    keys.at(0, fail('203.0.113.9'));
    keys.at(1, fail('203.0.113.9'));
    expect(keys.at(2, fail('203.0.113.10'))).toEqual([]);
    expect(keys.at(3, fail('203.0.113.9'), { host: 'web-02' })).toEqual([]);
    expect(rules(keys.at(4, fail('203.0.113.9')))).toEqual(['ssh_brute_force']);
  });

  it('counts records that arrive out of order by the time they carry', () => {
    const t = setup();
    expect(t.at(50, fail())).toEqual([]);
    expect(t.at(10, fail())).toEqual([]);
    expect(rules(t.at(30, fail()))).toEqual(['ssh_brute_force']);
  });
});

describe('rapid attempts', () => {
  it('is critical at 10 failures in 30 s and not at 9', () => {
    const t = setup();
    const fired: string[][] = [];
    for (let i = 0; i < 9; i++) fired.push(rules(t.at(i * 3, fail())));
    expect(fired.flat()).not.toContain('ssh_rapid_attempts');
    const tenth = t.at(29, fail());
    expect(rules(tenth)).toEqual(['ssh_rapid_attempts']);
    expect(tenth[0]).toMatchObject({
      severity: 'critical',
      fingerprint: 'rule|ssh_rapid_attempts|web-01||203.0.113.9',
    });
    expect(tenth[0]!.evidence).toHaveLength(10);
  });

  it('does not fire for 10 failures spread over 31 s', () => {
    const t = setup();
    const all: string[] = [];
    for (let i = 0; i < 10; i++) all.push(...rules(t.at(i * (31 / 9), fail())));
    expect(all).not.toContain('ssh_rapid_attempts');
  });
});

describe('sudo failures', () => {
  const pam = (user: string) =>
    `pam_unix(sudo:auth): authentication failure; logname=${user} uid=1000 euid=0 tty=/dev/pts/0 ruser=${user} rhost=  user=${user}`;

  it('fires high at 3 failures in 5 min per user and host, not at 2', () => {
    const t = setup();
    expect(t.at(0, pam('bob'), { service: 'sudo' })).toEqual([]);
    expect(t.at(100, pam('bob'), { service: 'sudo' })).toEqual([]);
    expect(t.at(150, pam('bob'), { service: 'sudo', host: 'db-02' })).toEqual([]);
    expect(t.at(160, pam('carol'), { service: 'sudo' })).toEqual([]);
    const third = t.at(299, pam('bob'), { service: 'sudo' });
    expect(third).toHaveLength(1);
    expect(third[0]).toMatchObject({
      rule: 'sudo_failures',
      severity: 'high',
      title: 'Repeated sudo failures by bob on web-01',
      fingerprint: 'rule|sudo_failures|web-01|bob|',
    });
  });

  it('counts a summary line by its attempts without counting the PAM lines twice', () => {
    const alone = setup();
    expect(
      rules(alone.at(0, 'bob : 3 incorrect password attempts ; TTY=pts/0', { service: 'sudo' })),
    ).toEqual(['sudo_failures']);

    const twoAttempts = setup();
    twoAttempts.at(0, pam('bob'));
    twoAttempts.at(1, pam('bob'));
    expect(twoAttempts.at(2, 'bob : 2 incorrect password attempts ; TTY=pts/0')).toEqual([]);
    expect(rules(twoAttempts.at(60, pam('bob')))).toEqual(['sudo_failures']);

    const oneSeen = setup();
    oneSeen.at(0, pam('bob'));
    expect(rules(oneSeen.at(5, 'bob : 3 incorrect password attempts'))).toEqual(['sudo_failures']);
  });
});

describe('off-hours login', () => {
  const accepted = 'Accepted password for alice from 192.0.2.10 port 50000 ssh2';
  const atUtc = (t: ReturnType<typeof setup>, iso: string) =>
    t.engine.evaluate({ service: 'sshd', message: accepted, time: Date.parse(iso), host: 'web-01' });

  it('judges 22:00-06:00 on the configured zone: 21:59 no, 22:00 yes, 05:59 yes, 06:00 no (Europe/Moscow)', () => {
    const t = setup({ ui: { timeZone: 'Europe/Moscow' } });
    expect(atUtc(t, '2026-03-10T18:59:00Z')).toEqual([]);
    const at22 = atUtc(t, '2026-03-10T19:00:00Z');
    expect(at22).toHaveLength(1);
    expect(at22[0]).toMatchObject({
      rule: 'off_hours_login',
      severity: 'medium',
      title: 'Off-hours login by alice on web-01',
      fingerprint: 'rule|off_hours_login|web-01|alice|192.0.2.10',
    });
    expect(at22[0]!.summary).toContain('22:00 (Europe/Moscow)');
    expect(rules(atUtc(t, '2026-03-11T02:59:00Z'))).toEqual(['off_hours_login']);
    expect(atUtc(t, '2026-03-11T03:00:00Z')).toEqual([]);
  });

  it('follows a half-hour zone and a config change of zone and hours', () => {
    const t = setup({ ui: { timeZone: 'Asia/Kolkata' } });
    expect(atUtc(t, '2026-03-10T16:29:00Z')).toEqual([]);
    expect(rules(atUtc(t, '2026-03-10T16:30:00Z'))).toEqual(['off_hours_login']);
    t.setConfig({ ui: { timeZone: 'UTC' } });
    expect(atUtc(t, '2026-03-10T16:30:00Z')).toEqual([]);
    expect(rules(atUtc(t, '2026-03-10T22:00:00Z'))).toEqual(['off_hours_login']);
    t.setConfig({ ui: { timeZone: 'UTC' }, detection: { offHours: { start: '18:00', end: '19:00' } } });
    expect(atUtc(t, '2026-03-10T22:00:00Z')).toEqual([]);
    expect(rules(atUtc(t, '2026-03-10T18:30:00Z'))).toEqual(['off_hours_login']);
    t.setConfig({ ui: { timeZone: 'UTC' }, detection: { offHours: { enabled: false } } });
    expect(atUtc(t, '2026-03-10T23:00:00Z')).toEqual([]);
  });

  it('ignores failed logins at night', () => {
    const t = setup({ ui: { timeZone: 'UTC' } });
    expect(
      t.engine.evaluate({ service: 'sshd', message: fail(), time: Date.parse('2026-03-10T23:00:00Z') }),
    ).toEqual([]);
  });
});

describe('user enumeration', () => {
  it('fires medium at 5 distinct invalid users from one IP in 2 min, not at 4', () => {
    const t = setup({ detection: { sshBruteForce: { enabled: false }, rapidAttempts: { enabled: false } } });
    const users = ['admin', 'oracle', 'test', 'guest'];
    users.forEach((user, i) =>
      expect(t.at(i * 10, `Invalid user ${user} from 198.51.100.7 port 4242`)).toEqual([]),
    );
    // The same name again, in either line form, is not a new user.
    expect(t.at(50, failInvalid('admin', '198.51.100.7'))).toEqual([]);
    expect(t.at(55, 'Invalid user guest from 198.51.100.7 port 4243')).toEqual([]);
    const fifth = t.at(119, failInvalid('postgres', '198.51.100.7'));
    expect(fifth).toHaveLength(1);
    expect(fifth[0]).toMatchObject({
      rule: 'user_enumeration',
      severity: 'medium',
      fingerprint: 'rule|user_enumeration|web-01||198.51.100.7',
    });
    expect(fifth[0]!.users.sort()).toEqual(['admin', 'guest', 'oracle', 'postgres', 'test']);
  });

  it('does not fire when the distinct users span more than 2 min', () => {
    const t = setup();
    const found = ['a1', 'a2', 'a3', 'a4', 'a5'].flatMap((user, i) =>
      rules(t.at(i * 31, `Invalid user ${user} from 198.51.100.7`)),
    );
    expect(found).toEqual([]);
  });
});

describe('5xx burst', () => {
  const status = (t: ReturnType<typeof setup>, offset: number, service: string, code: number) =>
    t.at(offset, `GET /checkout -> ${code}`, { service, statusCode: code, host: 'lb-01' });

  it('fires high at N 5xx per service within the window, never mixing services or counting 4xx', () => {
    const t = setup();
    for (let i = 0; i < 9; i++) {
      expect(status(t, i, 'checkout', 502)).toEqual([]);
      expect(status(t, i, 'search', 500)).toEqual([]);
      expect(status(t, i, 'checkout', 404)).toEqual([]);
    }
    const tenth = status(t, 30, 'checkout', 503);
    expect(tenth).toHaveLength(1);
    expect(tenth[0]).toMatchObject({
      rule: 'http_5xx_burst',
      severity: 'high',
      title: 'Burst of 5xx errors in checkout',
      host: 'lb-01',
      fingerprint: 'rule|http_5xx_burst|checkout||',
    });
    expect(status(t, 31, 'search', 499)).toEqual([]);
    expect(rules(status(t, 32, 'search', 500))).toEqual(['http_5xx_burst']);
  });

  it('does not fire for N 5xx spread wider than the window', () => {
    const t = setup({ detection: { http5xxBurst: { count: 3, windowSec: 10 } } });
    expect([0, 5, 10].flatMap((s) => rules(status(t, s, 'api', 500)))).toEqual([]);
  });
});

describe('injection signatures', () => {
  const sqli = [
    "GET /products?id=1' OR '1'='1 HTTP/1.1",
    'GET /products?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users-- HTTP/1.1',
    'search q=1 UNION/**/ALL/**/SELECT null,version()',
    "login user=admin'-- password=x",
    'id=5; DROP TABLE users; --',
    "id=1' AND SLEEP(5)--",
    'id=1 or 1=1',
    "q='; exec xp_cmdshell 'dir'",
    'name=x%2527%2520or%25201%253D1',
  ];
  const traversal = [
    'GET /static/../../../../etc/passwd HTTP/1.1',
    'GET /download?file=..%2f..%2f..%2fetc%2fshadow HTTP/1.1',
    'GET /%2e%2e/%2e%2e/windows/win.ini HTTP/1.1',
    'GET /img?path=....//....//etc/passwd',
    'GET /files/%252e%252e%252fconfig HTTP/1.1',
    'fetch template=../../../../proc/self/environ',
    'GET /page?include=/etc/passwd',
  ];
  const benign = [
    'GET /api/users?id=42 HTTP/1.1',
    'Select an option from the menu to continue',
    'user selected the union of both sets',
    "O'Reilly logged in from the branch office",
    'Build: resolved ../lib/util.js from src/index.ts',
    'retrying in 5 s (sleep 5000 ms before next attempt)',
    'order by date desc returned 20 rows',
    'POST /api/v1/orders 201 Created',
    "Don't drop the connection; delete stale sessions later",
    'cache hit ratio 1=1.0',
  ];

  it.each(sqli)('flags SQL injection: %s', (sample) => expect(hasSqlInjection(sample)).toBe(true));
  it.each(traversal)('flags path traversal: %s', (sample) => expect(hasPathTraversal(sample)).toBe(true));
  it.each(benign)('leaves benign text alone: %s', (sample) => {
    expect(hasSqlInjection(sample)).toBe(false);
    expect(hasPathTraversal(sample)).toBe(false);
  });

  it('fires high per record, from the message or the URL, and not when disabled', () => {
    const t = setup();
    const found = t.at(0, 'request completed', {
      service: 'shop-web',
      statusCode: 200,
      sourceIp: '203.0.113.77',
      url: "/search?q=1'%20union%20select%20password%20from%20users--",
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      rule: 'sql_injection',
      severity: 'high',
      title: 'SQL injection attempt from 203.0.113.77 against shop-web on web-01',
      fingerprint: 'rule|sql_injection|web-01||203.0.113.77',
      url: "/search?q=1'%20union%20select%20password%20from%20users--",
    });
    // A URL is strict: any ../ in a request path is a climb.
    expect(rules(t.at(1, 'ok', { service: 'shop-web', url: '/assets/../config.php' }))).toEqual([
      'path_traversal',
    ]);
    expect(t.at(2, 'GET /api/users?id=42', { service: 'shop-web', url: '/api/users?id=42' })).toEqual([]);
    t.setConfig({ detection: { injection: { enabled: false } } });
    expect(t.at(3, "GET /p?id=1' OR '1'='1")).toEqual([]);
  });

  it('stays fast on hostile input', () => {
    const started = performance.now();
    const hostile = `'${' '.repeat(50_000)}or${"'".repeat(20_000)}../`.repeat(2);
    hasSqlInjection(hostile.slice(0, 8192));
    hasPathTraversal(hostile.slice(0, 8192));
    const t = setup();
    t.at(0, hostile, { url: hostile });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('configuration and bounds', () => {
  it('applies changed thresholds and windows at the next record', () => {
    const t = setup();
    t.setConfig({ detection: { sshBruteForce: { count: 5, windowSec: 10 } } });
    expect([0, 1, 2, 3].flatMap((s) => rules(t.at(s, fail())))).toEqual([]);
    expect(rules(t.at(4, fail()))).toEqual(['ssh_brute_force']);

    const narrow = setup({ detection: { sshBruteForce: { count: 5, windowSec: 10 } } });
    expect([0, 3, 6, 9, 12].flatMap((s) => rules(narrow.at(s, fail())))).toEqual([]);

    const off = setup({ detection: { sshBruteForce: { enabled: false } } });
    expect([0, 1, 2, 3].flatMap((s) => rules(off.at(s, fail())))).toEqual([]);

    const lower = setup({ detection: { userEnumeration: { count: 2 } } });
    lower.at(0, 'Invalid user a from 198.51.100.7');
    expect(rules(lower.at(1, 'Invalid user b from 198.51.100.7'))).toEqual(['user_enumeration']);
  });

  it('keeps memory bounded under a flood of distinct addresses', () => {
    const t = setup();
    for (let i = 0; i < 6000; i++) {
      t.engine.evaluate({
        service: 'sshd',
        message: fail(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
        time: T0 + i,
        host: 'web-01',
      });
    }
    const stats = t.engine.stats();
    expect(stats.ssh_brute_force.keys).toBe(5000);
    expect(stats.ssh_rapid_attempts.keys).toBe(5000);
    // The newest keys survive: an attacker flooding addresses cannot hide the one that keeps trying.
    t.at(20, fail('10.0.23.111'));
    expect(rules(t.at(21, fail('10.0.23.111')))).toEqual(['ssh_brute_force']);
  });

  it('rolls the windows back when the transaction around them fails', () => {
    const t = setup();
    t.at(0, fail());
    expect(() =>
      t.engine.transaction(() => {
        t.at(1, fail());
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(t.at(2, fail())).toEqual([]);
    expect(rules(t.at(3, fail()))).toEqual(['ssh_brute_force']);

    // A firing inside a failed transaction does not silence the retry.
    const retry = setup();
    retry.at(0, fail());
    retry.at(1, fail());
    expect(() =>
      retry.engine.transaction(() => {
        expect(rules(retry.at(2, fail()))).toEqual(['ssh_brute_force']);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(rules(retry.at(2, fail()))).toEqual(['ssh_brute_force']);
  });

  it('takes auth-log lines, with the line time when it has one and the clock otherwise', () => {
    const t = setup();
    t.clock.set(Date.parse('2026-03-10T12:00:00Z'));
    expect(t.engine.evaluateLine(`Mar 10 12:00:00 bastion sshd[1]: ${fail()}`)).toEqual([]);
    t.clock.advance(5 * SEC);
    expect(t.engine.evaluateLine(`Mar 10 12:00:05 bastion sshd[1]: ${fail()}`)).toEqual([]);
    t.clock.advance(5 * SEC);
    const third = t.engine.evaluateLine(`Mar 10 12:00:10 bastion sshd[1]: ${fail()}`);
    expect(third[0]).toMatchObject({
      rule: 'ssh_brute_force',
      host: 'bastion',
      service: 'sshd',
      time: Date.parse('2026-03-10T12:00:10Z'),
    });

    const iso = setup();
    iso.engine.evaluateLine(`2026-01-05T03:00:00Z gw sshd[9]: ${fail()}`);
    iso.engine.evaluateLine(`2026-01-05T03:00:30Z gw sshd[9]: ${fail()}`);
    const fired = iso.engine.evaluateLine(`2026-01-05T03:00:59Z gw sshd[9]: ${fail()}`);
    expect(fired[0]).toMatchObject({ host: 'gw', time: Date.parse('2026-01-05T03:00:59Z') });
  });
});
