/**
 * Credentials in incident data (victims' passwords, tokens and keys in
 * command lines, connection strings and logged requests) become SECRET_n:
 * never sent, never written to the pseudonym map, never restored by unmask.
 */
import { describe, expect, it } from 'vitest';

import { Sanitizer, type SanitizerSettings } from '../../electron/core/sanitizer/sanitizer';
import { emptyEntities, type Entities } from '../../shared/domain';

function sanitizer(settings: Partial<SanitizerSettings> = {}): Sanitizer {
  return new Sanitizer(() => ({ enabled: true, classes: [], allow: [], ...settings }));
}

function entities(partial: Partial<Entities>): Entities {
  return { ...emptyEntities(), ...partial };
}

const JWT =
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6ImpkIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const BASIC = Buffer.from('svc_web:Autumn#2023').toString('base64');

/** [form, input, the masked text, the credentials that must be gone]. */
const forms: [string, string, string, string[]][] = [
  ['net user <name> <password>', 'net user jdoe S3cr3t! /add', 'net user USER_1 SECRET_1 /add', ['S3cr3t!']],
  [
    'net use \\\\server\\share <password> /user:',
    'net use \\\\fs01\\share /user:CORP\\jdoe P@ssw0rd',
    'net use PATH_1 /user:DOMAIN_1\\USER_1 SECRET_1',
    ['P@ssw0rd'],
  ],
  [
    'net use X: \\\\server\\share <password>',
    'NET USE Z: \\\\fs01\\share P@ssw0rd /user:CORP\\jdoe /persistent:no',
    'NET USE Z: PATH_1 SECRET_1 /user:DOMAIN_1\\USER_1 /persistent:no',
    ['P@ssw0rd'],
  ],
  ['mysql -p<password>', 'mysql -u root -pHunter2 crm', 'mysql -u root -pSECRET_1 crm', ['Hunter2']],
  [
    'psexec -p <password>',
    'PsExec64.exe \\\\ws-fin-9 -u CORP\\jdoe -p "Pass word1" cmd.exe',
    'PsExec64.exe \\\\HOST_1 -u DOMAIN_1\\USER_1 -p "SECRET_1" cmd.exe',
    ['Pass word1'],
  ],
  [
    'curl -u user:password',
    'curl -u jdoe:secret https://api.partner.example/v1',
    'curl -u USER_1:SECRET_1 https://DOMAIN_1/v1',
    [':secret'],
  ],
  ['--password=', 'backup --password=xyz123 --verbose', 'backup --password=SECRET_1 --verbose', ['xyz123']],
  [
    '--password <value>',
    'vault login --password Tr0ub4dor',
    'vault login --password SECRET_1',
    ['Tr0ub4dor'],
  ],
  [
    '/p: (xfreerdp)',
    'xfreerdp /u:jdoe /p:Spring2024 /v:10.0.0.5',
    'xfreerdp /u:USER_1 /p:SECRET_1 /v:IP_1',
    ['Spring2024'],
  ],
  [
    '/password: (wmic)',
    'wmic /node:srv01 /user:CORP\\jdoe /password:Qwerty!1 process list',
    'wmic /node:srv01 /user:DOMAIN_1\\USER_1 /password:SECRET_1 process list',
    ['Qwerty!1'],
  ],
  [
    'password= in a query string',
    'GET /login?user=jdoe&password=xyz789&next=/home HTTP/1.1',
    'GET /login?user=USER_1&password=SECRET_1&next=/home HTTP/1.1',
    ['xyz789'],
  ],
  [
    'Password=…; in a connection string',
    'Server=10.1.1.9;Database=crm;User=jdoe;Password=abc123;Pwd=def456;',
    'Server=IP_1;Database=crm;User=USER_1;Password=SECRET_1;Pwd=SECRET_2;',
    ['abc123', 'def456'],
  ],
  [
    'scheme://user:password@host',
    'git clone https://jdoe:pa:ss@git.corp.local/repo.git',
    'git clone https://USER_1:SECRET_1@DOMAIN_1/repo.git',
    ['pa:ss'],
  ],
  ['sshpass -p', 'sshpass -p s3cret ssh jdoe@10.0.0.9', 'sshpass -p SECRET_1 ssh USER_1@IP_1', ['s3cret']],
  [
    'Authorization: Bearer in a logged request',
    `POST /api HTTP/1.1\r\nAuthorization: Bearer ${JWT}\r\nHost: x`,
    'POST /api HTTP/1.1\r\nAuthorization: Bearer SECRET_1\r\nHost: x',
    [JWT],
  ],
  [
    'Authorization: Basic in a JSON header map',
    `{"headers":{"authorization":"Basic ${BASIC}"}}`,
    '{"headers":{"authorization":"Basic SECRET_1"}}',
    [BASIC],
  ],
  [
    'AWS access key id and secret key',
    'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'export AWS_ACCESS_KEY_ID=SECRET_1 AWS_SECRET_ACCESS_KEY=SECRET_2',
    ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ],
  [
    'an access key id followed by its secret key',
    'leaked: AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'leaked: SECRET_1 SECRET_2',
    ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ],
  [
    'smbclient -U user%password',
    'smbclient //10.0.0.4/c$ -U "CORP\\jdoe%Passw0rd"',
    'smbclient //IP_1/c$ -U "DOMAIN_1\\USER_1%SECRET_1"',
    ['Passw0rd'],
  ],
  [
    'redis-cli -a',
    'redis-cli -h 10.0.0.3 -a R3disPass info',
    'redis-cli -h IP_1 -a SECRET_1 info',
    ['R3disPass'],
  ],
  [
    'ldapsearch -w',
    'ldapsearch -x -H ldap://10.0.0.2 -D "uid=jdoe,dc=corp,dc=local" -w Secret99',
    'ldapsearch -x -H ldap://IP_1 -D "uid=USER_1,dc=domain_1" -w SECRET_1',
    ['Secret99'],
  ],
  [
    'schtasks /p and /rp',
    'schtasks /create /s 10.0.0.8 /u CORP\\jdoe /p Sch3d! /ru SYSTEM /rp x9Y! /tn t',
    'schtasks /create /s IP_1 /u DOMAIN_1\\USER_1 /p SECRET_1 /ru SYSTEM /rp SECRET_2 /tn t',
    ['Sch3d!', 'x9Y!'],
  ],
  ['7z -p<password>', '7z a -pArch1ve! out.7z docs', '7z a -pSECRET_1 out.7z docs', ['Arch1ve!']],
  ['zip -P <password>', 'zip -r -P Zipp3d out.zip docs', 'zip -r -P SECRET_1 out.zip docs', ['Zipp3d']],
  [
    'pass-the-hash flags',
    'Rubeus.exe asktgt /user:jdoe /rc4:2b576acbe6bcfda7294d6bd18041b8fe /ptt ; wmiexec.py -hashes aad3b435b51404eeaad3b435b51404ee:2b576acbe6bcfda7294d6bd18041b8fe corp/jdoe@10.0.0.5',
    'Rubeus.exe asktgt /user:USER_1 /rc4:SECRET_1 /ptt ; wmiexec.py -hashes SECRET_2 corp/USER_1@IP_1',
    ['2b576acbe6bcfda7294d6bd18041b8fe'],
  ],
  [
    'ConvertTo-SecureString (argument and pipeline)',
    `$pw = ConvertTo-SecureString 'Pa55word!' -AsPlainText -Force; "Pl41n!x" | ConvertTo-SecureString -AsPlainText`,
    `$pw = ConvertTo-SecureString 'SECRET_1' -AsPlainText -Force; "SECRET_2" | ConvertTo-SecureString -AsPlainText`,
    ['Pa55word!', 'Pl41n!x'],
  ],
  [
    'environment variables',
    'PGPASSWORD=pg-Secr3t MYSQL_PWD=my-Secr3t GITHUB_TOKEN=ghp_abcdef1234567890 psql',
    'PGPASSWORD=SECRET_1 MYSQL_PWD=SECRET_2 GITHUB_TOKEN=SECRET_3 psql',
    ['pg-Secr3t', 'my-Secr3t', 'ghp_abcdef1234567890'],
  ],
  [
    'a bare JWT and a Cookie header',
    `token ${JWT} then Cookie: sid=abc123; theme=dark`,
    'token SECRET_1 then Cookie: SECRET_2',
    [JWT, 'sid=abc123'],
  ],
  [
    'a PEM private key',
    'key -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7x\n-----END RSA PRIVATE KEY-----',
    'key -----BEGIN RSA PRIVATE KEY-----SECRET_1-----END RSA PRIVATE KEY-----',
    ['MIIEpAIBAAKCAQEA7x'],
  ],
  [
    'password keys in JSON-escaped text inside a raw body',
    '{"msg":"{\\"user\\":\\"jdoe\\",\\"password\\":\\"J50n!pass\\"}"}',
    '{"msg":"{\\"user\\":\\"USER_1\\",\\"password\\":\\"SECRET_1\\"}"}',
    ['J50n!pass'],
  ],
];

describe('credentials', () => {
  const known = entities({ users: ['jdoe'] });

  it.each(forms)('%s', (_form, input, expected, secrets) => {
    const s = sanitizer();
    const { value, map } = s.mask(input, known);
    expect(value).toBe(expected);
    const stored = JSON.stringify(map);
    for (const secret of secrets) {
      expect(value).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    // What unmask gives back names the pseudonymised values again, but never a credential.
    const restored = s.unmask(value, map);
    expect(restored).toMatch(/SECRET_\d/);
    for (const secret of secrets) expect(restored).not.toContain(secret);
    expect(Object.keys(map).some((k) => k.startsWith('SECRET'))).toBe(false);
  });

  it('numbers credentials within a call: the same value, the same number (a sprayed password shows)', () => {
    const { value } = sanitizer().mask([
      'net user alice Winter2024! /add',
      'net user bob Winter2024! /add',
      'net user carol Summer2024! /add',
    ]);
    expect(value).toEqual([
      'net user alice SECRET_1 /add',
      'net user bob SECRET_1 /add',
      'net user carol SECRET_2 /add',
    ]);
  });

  it('replaces a distinctive password wherever else it is echoed, a word-like one only where it was found', () => {
    const { value, map } = sanitizer().mask({
      prose: 'The admin typed W1nter!24 into the chat, then "welcome" again.',
      cmd: 'net user helpdesk W1nter!24 /add && net user guest2 welcome /add',
    });
    expect(value).toEqual({
      prose: 'The admin typed SECRET_1 into the chat, then "welcome" again.',
      cmd: 'net user helpdesk SECRET_1 /add && net user guest2 SECRET_2 /add',
    });
    // A password is never split into user@host pseudonyms before it is recognised.
    expect(JSON.stringify(map)).not.toContain('W1nter');
  });

  it('reads object keys that name a secret, a number under them, and generic keys of an object under them', () => {
    const s = sanitizer();
    const payload = {
      user: 'jdoe',
      password: 'hunter2x',
      pin: 1234,
      dbPassword: 987654,
      apiKey: 'k-1',
      'x-api-key': 'k-2',
      credentials: { password: { value: 'old-Pass1', new: 'new-Pass2' }, accessKey: { status: 'Active' } },
      Authorization: 'Bearer abcdef0123456789',
      passwordLastSet: '2024-03-01',
      passwordRequired: true,
      maxTokens: 1200,
    };
    const { value, map } = s.mask(payload);
    expect(value).toEqual({
      user: 'USER_1',
      password: 'SECRET_1',
      pin: 1234,
      dbPassword: 'SECRET_2',
      apiKey: 'SECRET_3',
      'x-api-key': 'SECRET_4',
      credentials: { password: { value: 'SECRET_5', new: 'SECRET_6' }, accessKey: { status: 'Active' } },
      Authorization: 'Bearer SECRET_7',
      passwordLastSet: '2024-03-01',
      passwordRequired: true,
      maxTokens: 1200,
    });
    expect(map).toEqual({ USER_1: 'jdoe' });
  });

  it.each([
    ['ssh -p is a port', 'ssh -p 2222 root@10.0.0.9', 'ssh -p 2222 root@IP_1'],
    ['nc -p is a port', 'nc -lvp 4444 -p 4444 10.0.0.9', 'nc -lvp 4444 -p 4444 IP_1'],
    ['psql -p is a port', 'psql -h 10.0.0.9 -p 5432 -U postgres', 'psql -h IP_1 -p 5432 -U postgres'],
    ['nmap -p', 'nmap -p 445,3389 10.0.0.0/24', 'nmap -p 445,3389 IP_1/24'],
    ['mysql -p alone prompts', 'mysql -u root -p crm', 'mysql -u root -p crm'],
    ['mysql -P is a port', 'mysql -h 10.0.0.9 -P 3306 -u root', 'mysql -h IP_1 -P 3306 -u root'],
    [
      'sshpass then ssh -p',
      'sshpass -p x1y2z3 ssh -p 2222 root@10.0.0.9',
      'sshpass -p SECRET_1 ssh -p 2222 root@IP_1',
    ],
    [
      'a tool not listed',
      'cp -p notes.txt /tmp/x; tar -p -xf a.tar',
      'cp -p notes.txt /tmp/x; tar -p -xf a.tar',
    ],
    [
      'psexec on one line, cp on the next',
      'psexec -s cmd\ncp -p notes.txt /tmp/x',
      'psexec -s cmd\ncp -p notes.txt /tmp/x',
    ],
    ['curl -u with no password (it prompts)', 'curl -u root https://10.0.0.9/', 'curl -u root https://IP_1/'],
    [
      'msbuild properties',
      'msbuild app.sln /p:Configuration=Release',
      'msbuild app.sln /p:Configuration=Release',
    ],
    ['xcopy /p asks, takes no value', 'xcopy /p a.txt b.txt', 'xcopy /p a.txt b.txt'],
    [
      'net user listing and prompts',
      'net user root * /add & net user root /domain',
      'net user root * /add & net user root /domain',
    ],
    [
      'net use with an empty password',
      'net use \\\\10.0.0.9\\IPC$ "" /user:""',
      'net use \\\\IP_1\\IPC$ "" /user:""',
    ],
  ])('%s', (_name, input, expected) => {
    expect(sanitizer().mask(input).value).toBe(expected);
  });

  it('leaves words that only look like credential keys', () => {
    const text =
      'sshd[9]: Failed password for root from 127.0.0.1 port 2 ssh2\n' +
      'bypass=1 compass=north passwordLastSet=2024 token_type=bearer Elevated Token:\tYes\n' +
      'Token Elevation Type:\t%%1936 "maxTokens": 1200 "tokens": 3 password: ******** -p ******** ' +
      'Authorization failed; Basic authentication failed; Bearer token missing; openssl -passout env:PW ' +
      'pam_unix(passwd:chauthtok): password changed';
    const { value, map } = sanitizer().mask(text);
    expect(value).toBe(text);
    expect(map).toEqual({});
  });

  it("leaves sudo's PWD=/path (a directory) to the path rules", () => {
    const { value } = sanitizer().mask(
      'sudo:  jdoe : TTY=pts/0 ; PWD=/home/jdoe ; USER=root ; COMMAND=/bin/id',
    );
    expect(value).toBe('sudo:  USER_1 : TTY=pts/0 ; PWD=PATH_1 ; USER=root ; COMMAND=/bin/id');
  });

  it('redacts credentials whatever the classes and the allow-list say, and with the sanitizer disabled', () => {
    const text = 'net use \\\\10.0.0.9\\c$ Pr1vate! /user:CORP\\jdoe';
    expect(sanitizer({ classes: ['ip'] }).mask(text).value).toBe(
      'net use \\\\IP_1\\c$ SECRET_1 /user:CORP\\jdoe',
    );
    expect(sanitizer({ allow: ['Pr1vate!'] }).mask(text).value).toContain('SECRET_1');
    const disabled = sanitizer({ enabled: false }).mask({ text, n: 1 });
    expect(disabled.value).toEqual({ text: 'net use \\\\10.0.0.9\\c$ SECRET_1 /user:CORP\\jdoe', n: 1 });
    expect(disabled.map).toEqual({});
  });

  it('redactSecrets touches only credentials and returns a value without any as it is', () => {
    const s = sanitizer();
    const clean = { title: 'WS-FIN-014 10.0.0.1', list: ['a', { b: 'CORP\\jdoe' }] };
    expect(s.redactSecrets(clean)).toBe(clean);
    const dirty = { title: 'WS-FIN-014', events: [{ cmd: 'mysql -u root -pHunter2' }], keep: clean };
    const redacted = s.redactSecrets(dirty);
    expect(redacted).toEqual({
      title: 'WS-FIN-014',
      events: [{ cmd: 'mysql -u root -pSECRET_1' }],
      keep: clean,
    });
    expect(redacted.keep).toBe(clean);
    expect(dirty.events[0]?.cmd).toBe('mysql -u root -pHunter2');
    const loop: Record<string, unknown> = { a: 'x' };
    loop.self = loop;
    expect(() => s.redactSecrets(loop)).toThrow(/contains itself/);
  });

  it('keeps SECRET_n through unmask, and masking masked text again changes nothing', () => {
    const s = sanitizer();
    const { value, map } = s.mask('psexec \\\\10.0.0.5 -u admin -p Passw0rd cmd');
    expect(value).toBe('psexec \\\\IP_1 -u admin -p SECRET_1 cmd');
    expect(s.unmask('Reset the password SECRET_1 used on IP_1.', map)).toBe(
      'Reset the password SECRET_1 used on 10.0.0.5.',
    );
    expect(s.mask(value, undefined, { ...map }).value).toBe(value);
  });
});
