import { describe, expect, it } from 'vitest';

import {
  canonicalPseudonyms,
  Sanitizer,
  type PseudonymMap,
  type SanitizerSettings,
} from '../../electron/core/sanitizer/sanitizer';
import { emptyEntities, incidentSchema, type Entities, type Incident } from '../../shared/domain';

function sanitizer(settings: Partial<SanitizerSettings> = {}): Sanitizer {
  return new Sanitizer(() => ({ enabled: true, classes: [], allow: [], ...settings }));
}

function entities(partial: Partial<Entities>): Entities {
  return { ...emptyEntities(), ...partial };
}

/** Masks one string and returns the text and map. */
function maskText(text: string, known?: Entities, settings?: Partial<SanitizerSettings>) {
  const s = sanitizer(settings);
  const { value, map } = s.mask(text, known);
  return { text: value, map, s };
}

describe('Sanitizer.mask: pseudonyms', () => {
  it('numbers each class separately and seeds the incident entities first', () => {
    const { text, map } = maskText(
      'Beacon from 10.0.0.9 on WS-FIN-014 by CORP\\j.smith to 203.0.113.45',
      entities({ hosts: ['WS-FIN-014'], users: ['CORP\\j.smith'], ips: ['203.0.113.45'] }),
    );
    expect(text).toBe('Beacon from IP_2 on HOST_1 by DOMAIN_1\\USER_1 to IP_1');
    expect(map).toEqual({
      HOST_1: 'WS-FIN-014',
      DOMAIN_1: 'CORP',
      USER_1: 'j.smith',
      IP_1: '203.0.113.45',
      IP_2: '10.0.0.9',
    });
  });

  it('gives the same value the same pseudonym in every field, whatever its letter case', () => {
    const s = sanitizer();
    const payload = {
      title: 'Mimikatz on WS-FIN-014',
      description: 'Host ws-fin-014 (10.1.2.3) ran it; 10.1.2.3 again',
      raw: '{"agentComputerName":"WS-FIN-014","agentIpV4":"10.1.2.3"}',
      entities: { hosts: ['WS-FIN-014'], ips: ['10.1.2.3'] },
    };
    const { value, map } = s.mask(payload);
    // The first spelling found (in the description) is HOST_1; the other spelling of the same
    // host gets the same pseudonym in another letter case, so both are restored exactly.
    expect(value.title).toBe('Mimikatz on Host_1');
    expect(value.description).toBe('Host HOST_1 (IP_1) ran it; IP_1 again');
    expect(value.raw).toBe('{"agentComputerName":"Host_1","agentIpV4":"IP_1"}');
    expect(value.entities).toEqual({ hosts: ['Host_1'], ips: ['IP_1'] });
    expect(map).toEqual({ HOST_1: 'ws-fin-014', Host_1: 'WS-FIN-014', IP_1: '10.1.2.3' });
    expect(s.unmaskDeep(value, map)).toEqual(payload);
  });

  it('masks a bare entity host and the short name of an FQDN entity where no pattern would find them', () => {
    const { text, map } = maskText(
      'fileserver down; WS-FIN-014 isolated; see ws-fin-014.corp.example.com, vpn.corp.example.com, dc01.example.com',
      entities({ hosts: ['ws-fin-014.corp.example.com', 'fileserver'] }),
    );
    // The entity's domains are the organisation's: every name under them is masked too.
    expect(text).toBe('HOST_2 down; Host_1 isolated; see HOST_1.DOMAIN_1, DOMAIN_2, HOST_3.DOMAIN_3');
    expect(map.HOST_1).toBe('ws-fin-014');
    expect(map.DOMAIN_1).toBe('corp.example.com');
  });

  it("masks the incident's hosts and users in any script, as whole words, and restores them", () => {
    const s = sanitizer();
    const known = entities({ hosts: ['сервер-01', 'сервер.corp.local', '服务器1'], users: ['иван', '张伟'] });
    const { value, map } = s.mask(
      {
        title: 'Подбор пароля SSH на сервер-01',
        text: 'иван вошёл на сервер.corp.local; иванов и сервер-01x не те; 张伟登录了服务器1',
        hosts: ['сервер-01'],
      },
      known,
    );
    expect(value.title).toBe('Подбор пароля SSH на HOST_1');
    expect(value.text).toBe('USER_1 вошёл на HOST_2.DOMAIN_1; иванов и сервер-01x не те; USER_2登录了HOST_3');
    expect(value.hosts).toEqual(['HOST_1']);
    expect(s.unmask(value.text, map)).toBe(
      'иван вошёл на сервер.corp.local; иванов и сервер-01x не те; 张伟登录了服务器1',
    );
  });

  it('masks a name found anywhere in the payload also where it stands bare in an earlier field', () => {
    const s = sanitizer();
    const { value } = s.mask({
      title: 'jkowalski opened the attachment',
      path: 'C:\\Users\\jkowalski\\Downloads\\invoice.docm',
    });
    expect(value).toEqual({ title: 'USER_1 opened the attachment', path: 'PATH_1.docm' });
  });

  it('extends a map passed in (in place) and never renumbers it', () => {
    const s = sanitizer();
    const map: PseudonymMap = { HOST_1: 'srv-a', HOST_7: 'srv-b', IP_2: '10.9.9.9' };
    const first = s.mask(
      'srv-b talked to 10.9.9.9 and 10.1.1.1',
      entities({ hosts: ['srv-a', 'srv-b'] }),
      map,
    );
    expect(first.map).toBe(map);
    expect(first.value).toBe('HOST_7 talked to IP_2 and IP_3');
    const second = s.mask('10.1.1.1 then srv-c and srv-a', entities({ hosts: ['srv-c'] }), map);
    expect(second.value).toBe('IP_3 then HOST_8 and HOST_1');
    expect(map).toEqual({
      HOST_1: 'srv-a',
      HOST_7: 'srv-b',
      IP_2: '10.9.9.9',
      IP_3: '10.1.1.1',
      HOST_8: 'srv-c',
    });
  });

  it('masks a session of values with one map, as if each were masked alone with that map passed in', () => {
    const items: { value: Record<string, string>; known: Entities }[] = [
      {
        value: { title: 'Beacon on fin-lt-07 by ivanov.p', note: 'from 203.0.113.9' },
        known: entities({ hosts: ['fin-lt-07'], users: ['ivanov.p'] }),
      },
      // Names only the first item revealed, standing bare where no pattern would find them.
      {
        value: {
          title: 'Second look: fin-lt-07 again; ivanov.p asked; srv-db-02 too',
          note: 'reimaged fin-lt-07',
        },
        known: entities({ hosts: ['srv-db-02'] }),
      },
      { value: { title: 'ivanov.p logged in from 203.0.113.9', note: 'nothing else' }, known: entities({}) },
      // Names sharing their first words, a name after a JSON escape, one after a domain's backslash.
      {
        value: { title: 'ws-0001.corp.example.com and ws-0002.corp.example.com', note: 'by nadia01' },
        known: entities({
          hosts: ['ws-0001.corp.example.com', 'ws-0002.corp.example.com'],
          users: ['nadia01'],
        }),
      },
      {
        value: {
          title: 'ws-0002.corp.example.com again, ws-0003.corp.example.com new',
          note: 'CORP\\nadia01 ran it\\tnadia01',
        },
        known: entities({ hosts: ['ws-0003.corp.example.com'] }),
      },
    ];
    const s = sanitizer();
    const session = s.session();
    const sessionValues = items.map(({ value, known }) => session.mask(value, known));
    const map: PseudonymMap = {};
    const oneByOne = items.map(({ value, known }) => s.mask(value, known, map).value);
    expect(sessionValues).toEqual(oneByOne);
    expect(session.map).toEqual(map);
    expect(sessionValues[1]).toEqual({
      title: 'Second look: HOST_1 again; USER_1 asked; HOST_2 too',
      note: 'reimaged HOST_1',
    });
    expect(JSON.stringify(sessionValues)).not.toMatch(
      /fin-lt-07|ivanov\.p|srv-db-02|203\.0\.113\.9|ws-000|nadia/,
    );
  });

  it('keeps structure readable: ports, CIDR, brackets, IPv4-mapped, UNC admin shares, extensions', () => {
    const { text } = maskText(
      '10.1.2.3:445 10.0.0.0/8 [2001:db8::1]:443 ::ffff:10.1.2.3 \\\\10.1.2.3\\C$\\Windows\\Temp\\x.exe ' +
        'C:\\Users\\anna\\AppData\\Local\\Temp\\m64.exe /home/anna/.ssh/id_rsa',
    );
    expect(text).toBe(
      'IP_1:445 IP_2/8 [IP_3]:443 ::ffff:IP_1 \\\\IP_1\\C$\\Windows\\Temp\\x.exe PATH_1.exe PATH_2',
    );
  });

  it('splits DOMAIN\\user, user@host and FQDNs into their parts', () => {
    const { text, map } = maskText(
      'ACME\\b.okafor ssh b.okafor@10.2.2.2 logon on dc01.corp.acme.local (corp.acme.local)',
    );
    expect(text).toBe('DOMAIN_1\\USER_1 ssh USER_1@IP_1 logon on HOST_1.DOMAIN_2 (DOMAIN_2)');
    expect(map).toMatchObject({
      DOMAIN_1: 'ACME',
      USER_1: 'b.okafor',
      HOST_1: 'dc01',
      DOMAIN_2: 'corp.acme.local',
    });
  });

  it('finds users and hosts in sshd, sudo and syslog positions', () => {
    const { text } = maskText(
      'Mar  3 10:15:01 web01 sshd[1]: Failed password for invalid user oracle from 198.51.100.4 port 2 ssh2\n' +
        'Mar  3 10:15:09 web01 sshd[1]: Accepted publickey for dkim from 198.51.100.4 port 2 ssh2\n' +
        'Mar  3 10:16:00 web01 sudo:   dkim : TTY=pts/0 ; PWD=/home/dkim ; USER=root ; COMMAND=/usr/bin/id',
    );
    expect(text).toBe(
      'Mar  3 10:15:01 HOST_1 sshd[1]: Failed password for invalid user USER_1 from IP_1 port 2 ssh2\n' +
        'Mar  3 10:15:09 HOST_1 sshd[1]: Accepted publickey for USER_2 from IP_1 port 2 ssh2\n' +
        'Mar  3 10:16:00 HOST_1 sudo:   USER_2 : TTY=pts/0 ; PWD=PATH_1 ; USER=root ; COMMAND=/usr/bin/id',
    );
  });

  it('reads what JSON keys and key=value pairs say their value is', () => {
    const s = sanitizer();
    const { value } = s.mask({
      computerName: 'FINANCE7',
      user: { displayName: 'Anna Kowalczyk', upn: 'anna.k@globex.example' },
      device: { displayName: 'PC-7' },
      agentVersion: '22.1.4.10',
      raw: 'hostname=KIOSK suser=mrossi Account Name:\tlpetrov dhost=srv-9:3389 ruser= rhost=10.0.0.4',
    });
    expect(value).toEqual({
      computerName: 'HOST_1',
      user: { displayName: 'USER_1', upn: 'USER_2' },
      device: { displayName: 'HOST_2' },
      agentVersion: '22.1.4.10',
      raw: 'hostname=HOST_3 suser=USER_3 Account Name:\tUSER_4 dhost=HOST_4:3389 ruser= rhost=IP_1',
    });
  });

  it('masks e-mails, MACs in three notations, domain SIDs and URL hosts', () => {
    const { text } = maskText(
      'mail bob@partner.example; MAC 00:1a:2b:3c:4d:5e = 00-1A-2B-3C-4D-5E = 001a.2b3c.4d5e; ' +
        'SID S-1-5-21-1004336348-1177238915-682003330-1106; https://portal.partner.example/login',
    );
    expect(text).toBe('mail EMAIL_1; MAC MAC_1 = Mac_1 = mac_1; SID SID_1; https://DOMAIN_1/login');
  });

  it('leaves hashes, MITRE and CVE ids, timestamps, versions, well-known accounts and public names readable', () => {
    const text =
      'sha256 912018ab3c6b16b39ee84f17745ff0c80a33cee241013ec35d0281e40c0658d9 md5 d41d8cd98f00b204e9800998ecf8427e ' +
      'T1003.001 TA0006 CVE-2021-44228 at 2024-03-03T10:15:01.123Z 10:15:01 v10.0.19045.1234 version 1.2.3.4 ' +
      'Chrome/120.0.0.1 build 10.0.0.1 NT AUTHORITY\\SYSTEM BUILTIN\\Administrators S-1-5-18 root localhost ' +
      'lsass.exe C:\\Windows\\System32\\rundll32.exe /etc/passwd HKLM\\Software\\Run 127.0.0.1 0.0.0.0 ::1 ' +
      '255.255.255.0 severity high {5770385F-C22A-43E0-BF4C-06F5698FFBD9}';
    const { text: masked, map } = maskText(text);
    expect(masked).toBe(text);
    expect(map).toEqual({});
  });

  it('masks a dotted quad after a version word only when the address is already known', () => {
    const known = entities({ ips: ['10.0.0.1'] });
    expect(maskText('version 10.0.0.1 and version 10.0.0.2', known).text).toBe(
      'version IP_1 and version 10.0.0.2',
    );
  });

  it('masks a path in a system location only where it names someone', () => {
    const { text } = maskText(
      'C:\\Program Files\\App\\a.exe C:\\ProgramData\\x\\b.exe \\\\FS01\\share\\c.txt \\\\FS01\\ADMIN$\\PSEXESVC.exe ' +
        'C:\\$Recycle.Bin\\S-1-5-21-1-2-3-1001\\$R1.exe /var/log/auth.log /var/mail/jdoe GET /wp-admin/x.php',
    );
    expect(text).toBe(
      'C:\\Program Files\\App\\a.exe C:\\ProgramData\\x\\b.exe PATH_1.txt \\\\HOST_1\\ADMIN$\\PSEXESVC.exe ' +
        'C:\\$Recycle.Bin\\SID_1\\$R1.exe /var/log/auth.log PATH_2 GET /wp-admin/x.php',
    );
  });

  it('reads paths inside JSON-escaped raw bodies and restores them exactly', () => {
    const s = sanitizer();
    const raw = JSON.stringify({
      filePath: 'C:\\Users\\olga\\Downloads\\Ncat Netcat Portable - CHIP-Installer.exe',
      processUser: 'ACME\\olga',
      message: 'Account Name:\t\tolga\r\n\tNew Process Name:\tC:\\Users\\olga\\AppData\\x.exe',
    });
    const { value, map } = s.mask(
      { path: 'C:\\Users\\olga\\Downloads\\Ncat Netcat Portable - CHIP-Installer.exe', raw },
      entities({ users: ['ACME\\olga'] }),
    );
    expect(value.path).toBe('PATH_1.exe');
    expect(JSON.parse(value.raw)).toEqual({
      filePath: 'Path_1.exe',
      processUser: 'DOMAIN_1\\USER_1',
      message: 'Account Name:\t\tUSER_1\r\n\tNew Process Name:\tPATH_2.exe',
    });
    expect(s.unmask(value.raw, map)).toBe(raw);
  });

  it('masks deeply: strings only, keys and numbers kept, arrays and nesting preserved', () => {
    const s = sanitizer();
    const date = new Date(0);
    const payload = {
      '10.0.0.1': [1, true, null, '10.0.0.1', { nested: ['deeper 10.0.0.1'] }],
      count: 3,
      when: date,
    };
    const { value } = s.mask(payload);
    expect(value).toEqual({
      '10.0.0.1': [1, true, null, 'IP_1', { nested: ['deeper IP_1'] }],
      count: 3,
      when: date,
    });
    expect(payload['10.0.0.1'][3]).toBe('10.0.0.1');
  });

  it('refuses a value that contains itself', () => {
    const loop: Record<string, unknown> = { a: 'x' };
    loop.self = loop;
    expect(() => sanitizer().mask(loop)).toThrow(/contains itself/);
  });

  it('never hands out a number that the text already shows as a look-alike', () => {
    const s = sanitizer();
    const payload = 'variable host_1 and HOST_2 point to 10.0.0.1 on web03';
    const { value, map } = s.mask(payload, entities({ hosts: ['web03'] }));
    expect(value).toBe('variable host_1 and HOST_2 point to IP_1 on HOST_3');
    expect(s.unmask(value, map)).toBe(payload);
  });

  it('replaces a name an attacker tried only where it was found, not as an ordinary word', () => {
    const { text } = maskText(
      'sshd[9]: Invalid user support from 198.51.100.9 port 1\nOpen a support ticket; user support9 tried too.\n' +
        'sshd[9]: Invalid user support9 from 198.51.100.9 port 1',
    );
    expect(text).toBe(
      'sshd[9]: Invalid user USER_1 from IP_1 port 1\nOpen a support ticket; user USER_2 tried too.\n' +
        'sshd[9]: Invalid user USER_2 from IP_1 port 1',
    );
  });
});

describe('Sanitizer on LDAP distinguished names and ARNs', () => {
  it('masks a DN per part: CN a person or a machine, DC the domain, OU readable; unmask restores it exactly', () => {
    const s = sanitizer();
    const text =
      'CN=John Doe,OU=Finance,DC=corp,DC=acme,DC=com was added to CN=Domain Admins,CN=Users,DC=corp,DC=acme,DC=com; ' +
      'moved CN=WS-FIN-014,OU=Workstations,DC=corp,DC=acme,DC=com and cn=kiosk,ou=Computers,dc=corp,dc=acme,dc=com; ' +
      'John Doe logged on to ws-fin-014.corp.acme.com';
    const { value, map } = s.mask(text);
    expect(value).toBe(
      'CN=USER_1,OU=Finance,DC=Domain_1 was added to CN=Domain Admins,CN=Users,DC=Domain_1; ' +
        'moved CN=HOST_1,OU=Workstations,DC=Domain_1 and cn=HOST_2,ou=Computers,dc=domain_1; ' +
        'USER_1 logged on to host_1.DOMAIN_1',
    );
    // The DC run is the dotted domain in another spelling: one entity, one number.
    expect(map).toMatchObject({
      USER_1: 'John Doe',
      DOMAIN_1: 'corp.acme.com',
      Domain_1: 'corp,DC=acme,DC=com',
      domain_1: 'corp,dc=acme,dc=com',
      HOST_1: 'WS-FIN-014',
    });
    expect(s.unmask(value, map)).toBe(text);
    expect(s.unmask('DOMAIN_1', map)).toBe('corp.acme.com');
  });

  it('reads escaped commas, uid=, GUID and SID containers, LDAP:// paths and DNs inside JSON-escaped bodies', () => {
    const s = sanitizer();
    const raw = JSON.stringify({
      ObjectDN: 'CN=Doe\\, Jane,OU=HR,DC=globex,DC=example',
      gpo: 'CN={31B2F340-016D-11D2-945F-00C04FB984F9},CN=Policies,CN=System,DC=globex,DC=example',
      fsp: 'CN=S-1-5-21-1004336348-1177238915-682003330-1106,CN=ForeignSecurityPrincipals,DC=globex,DC=example',
      bind: 'LDAP://dc01.globex.example/uid=svc_sync,OU=Service Accounts,DC=globex,DC=example',
    });
    const { value, map } = s.mask({ raw, path: 'LDAP://CN=Doe\\, Jane,OU=HR,DC=globex,DC=example' });
    expect(JSON.parse(value.raw)).toEqual({
      ObjectDN: 'CN=USER_1,OU=HR,DC=Domain_1',
      gpo: 'CN={31B2F340-016D-11D2-945F-00C04FB984F9},CN=Policies,CN=System,DC=Domain_1',
      fsp: 'CN=SID_1,CN=ForeignSecurityPrincipals,DC=Domain_1',
      bind: 'LDAP://HOST_1.DOMAIN_1/uid=USER_2,OU=Service Accounts,DC=Domain_1',
    });
    // The same person as in the escaped body (another spelling, another letter case of USER_1).
    expect(value.path).toBe('LDAP://CN=User_1,OU=HR,DC=Domain_1');
    expect(s.unmaskDeep(value, map)).toEqual({
      raw,
      path: 'LDAP://CN=Doe\\, Jane,OU=HR,DC=globex,DC=example',
    });
  });

  it('leaves a certificate subject (no DC part) to the other rules', () => {
    const text =
      'signed by CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US; ' +
      'TLS CN=vpn.acme.local, O=Acme, C=US from 10.9.8.7';
    expect(maskText(text).text).toBe(
      'signed by CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US; ' +
        'TLS CN=DOMAIN_1, O=Acme, C=US from IP_1',
    );
  });

  it('leaves DC parts readable when domains are not a masked class, and allow-listed domains', () => {
    const text = 'CN=jdoe7,OU=Staff,DC=corp,DC=acme,DC=com';
    expect(maskText(text, undefined, { classes: ['user', 'host'] }).text).toBe(
      'CN=HOST_1,OU=Staff,DC=corp,DC=acme,DC=com',
    );
    expect(maskText('CN=Jane Roe,DC=corp,DC=acme,DC=com', undefined, { allow: ['corp.acme.com'] }).text).toBe(
      'CN=USER_1,DC=corp,DC=acme,DC=com',
    );
  });

  it('masks the account and resource names of an ARN and keeps its service, region and types', () => {
    const s = sanitizer();
    const text =
      'arn:aws:iam::123456789012:user/jdoe assumed arn:aws:sts::123456789012:assumed-role/DeployRole/jdoe@acme.com, ' +
      'read arn:aws:s3:::acme-payroll/*, invoked arn:aws:lambda:eu-west-1:123456789012:function:export-payroll:$LATEST ' +
      'with arn:aws:iam::aws:policy/AdministratorAccess as arn:aws:iam::123456789012:root. Account 123456789012; ' +
      'CORP\\jdoe; the DeployRole role.';
    const { value, map } = s.mask(text);
    expect(value).toBe(
      'arn:aws:iam::ACCOUNT_1:user/USER_1 assumed arn:aws:sts::ACCOUNT_1:assumed-role/RESOURCE_1/USER_2, ' +
        'read arn:aws:s3:::RESOURCE_2/*, invoked arn:aws:lambda:eu-west-1:ACCOUNT_1:function:RESOURCE_3:$LATEST ' +
        'with arn:aws:iam::aws:policy/AdministratorAccess as arn:aws:iam::ACCOUNT_1:root. Account ACCOUNT_1; ' +
        'DOMAIN_1\\USER_1; the RESOURCE_1 role.',
    );
    expect(map).toMatchObject({
      ACCOUNT_1: '123456789012',
      USER_1: 'jdoe',
      USER_2: 'jdoe@acme.com',
      RESOURCE_1: 'DeployRole',
      RESOURCE_2: 'acme-payroll',
    });
    expect(s.unmask(value, map)).toBe(text);
  });

  it('leaves ARN accounts and resources readable when cloud is not a masked class', () => {
    expect(maskText('arn:aws:iam::123456789012:role/Ops', undefined, { classes: ['user'] }).text).toBe(
      'arn:aws:iam::123456789012:role/Ops',
    );
    expect(maskText('arn:aws:iam::123456789012:user/jdoe', undefined, { classes: ['user'] }).text).toBe(
      'arn:aws:iam::123456789012:user/USER_1',
    );
  });
});

describe('Sanitizer settings', () => {
  it('masks nothing when disabled', () => {
    const payload = { t: 'WS-FIN-014 10.0.0.1 CORP\\jdoe' };
    const { value, map } = sanitizer({ enabled: false }).mask(payload, entities({ hosts: ['WS-FIN-014'] }));
    expect(value).toEqual(payload);
    expect(map).toEqual({});
  });

  it('masks only the listed classes', () => {
    const text = 'CORP\\jdoe on WS-9 (10.0.0.1) C:\\Users\\jdoe\\x.exe jdoe@corp.example';
    const known = entities({ hosts: ['WS-9'] });
    expect(maskText(text, known, { classes: ['ip'] }).text).toBe(
      'CORP\\jdoe on WS-9 (IP_1) C:\\Users\\jdoe\\x.exe jdoe@corp.example',
    );
    // Paths and e-mails off: they stay, but the person named in them does not (a known user
    // is replaced wherever the name stands as a word).
    expect(maskText(text, known, { classes: ['user', 'host'] }).text).toBe(
      'CORP\\USER_1 on HOST_1 (10.0.0.1) C:\\Users\\USER_1\\x.exe USER_1@corp.example',
    );
  });

  it('never masks allow-listed values (exact, case-insensitive), entities included', () => {
    const { text, map } = maskText(
      'C2 evil-c2.example at 203.0.113.45 from WS-9 via http://evil-c2.example/gate.php and 10.0.0.2',
      entities({ hosts: ['WS-9'], ips: ['203.0.113.45'], domains: ['EVIL-C2.example'] }),
      { allow: ['Evil-C2.Example', '203.0.113.45'] },
    );
    expect(text).toBe(
      'C2 evil-c2.example at 203.0.113.45 from HOST_1 via http://evil-c2.example/gate.php and IP_1',
    );
    expect(Object.values(map)).not.toContain('203.0.113.45');
  });
});

describe('Sanitizer.unmask', () => {
  const map: PseudonymMap = {
    HOST_1: 'WS-FIN-014',
    host_1: 'ws-fin-014',
    HOST_12: 'SRV-DB-12',
    USER_1: 'j.smith',
    PATH_1: 'C:\\Users\\j.smith\\m64',
  };

  it('restores pseudonyms in any letter case and with punctuation around them, longest first', () => {
    const s = sanitizer();
    expect(
      s.unmask('**HOST_1** and Host_1, `HOST_12`; (user_1) ran PATH_1.exe; HOST\\_1; HOST_99 unknown', map),
    ).toBe(
      '**WS-FIN-014** and WS-FIN-014, `SRV-DB-12`; (j.smith) ran C:\\Users\\j.smith\\m64.exe; WS-FIN-014; HOST_99 unknown',
    );
    expect(s.unmask('host_1', map)).toBe('ws-fin-014');
    expect(s.unmask('xHOST_1 HOST_1x HOST_123', map)).toBe('xHOST_1 WS-FIN-014x HOST_123');
  });

  it('restores every string of a value with unmaskDeep and keeps the rest', () => {
    const s = sanitizer();
    const answer = {
      summary: 'HOST_1 is infected',
      steps: ['isolate HOST_1', 'reset USER_1'],
      confidence: 0.8,
    };
    expect(s.unmaskDeep(answer, map)).toEqual({
      summary: 'WS-FIN-014 is infected',
      steps: ['isolate WS-FIN-014', 'reset j.smith'],
      confidence: 0.8,
    });
  });

  it('lists each pseudonym once for display', () => {
    expect(canonicalPseudonyms(map)).toEqual({
      HOST_1: 'WS-FIN-014',
      HOST_12: 'SRV-DB-12',
      USER_1: 'j.smith',
      PATH_1: 'C:\\Users\\j.smith\\m64',
    });
  });
});

describe('Sanitizer on a whole incident', () => {
  it('keeps an Incident valid and readable where it should be, and restores it exactly', () => {
    const incident: Incident = {
      id: 'inc_01HV8Z3K7Q',
      fingerprint: 'threat|1700000000000000001',
      source: { kind: 'sentinelone', id: 's1', name: 'S1 prod' },
      vendorId: '1700000000000000001',
      consoleUrl: 'https://acme-bank.sentinelone.example/incidents/threats/1700000000000000001',
      title: 'Credential dumping on WS-FIN-014',
      description:
        'm64.exe read lsass.exe memory as CORP\\j.smith from C:\\Users\\j.smith\\AppData\\Local\\Temp.',
      severity: 'critical',
      status: 'in_progress',
      category: 'Credential Access',
      mitre: { tactics: ['TA0006'], techniques: ['T1003.001'] },
      entities: {
        hosts: ['WS-FIN-014.corp.example.com'],
        users: ['CORP\\j.smith'],
        ips: ['10.10.4.21', '2001:db8::7'],
        files: [
          {
            path: 'C:\\Users\\j.smith\\AppData\\Local\\Temp\\m64.exe',
            sha256: '912018ab3c6b16b39ee84f17745ff0c80a33cee241013ec35d0281e40c0658d9',
          },
        ],
        processes: ['m64.exe "privilege::debug" "sekurlsa::logonpasswords" exit'],
        urls: ['http://files.corp.example.com/m64.exe'],
        domains: ['corp.example.com'],
      },
      firstSeen: '2024-03-03T10:15:01.000Z',
      lastSeen: '2024-03-03T10:16:44.000Z',
      count: 2,
      vendorStatus: 'unresolved',
      assignee: 'Maria Lopez',
      tags: ['vip', 'finance'],
      createdAt: '2024-03-03T10:15:02.000Z',
      updatedAt: '2024-03-03T10:17:00.000Z',
    };
    const s = sanitizer();
    const { value, map } = s.mask(incident, incident.entities);
    expect(incidentSchema.parse(value)).toEqual(value);
    expect(value).toMatchObject({
      title: 'Credential dumping on HOST_1',
      description: 'm64.exe read lsass.exe memory as DOMAIN_2\\USER_1 from PATH_2.',
      severity: 'critical',
      status: 'in_progress',
      assignee: 'USER_2',
      mitre: incident.mitre,
      firstSeen: incident.firstSeen,
      consoleUrl: 'https://DOMAIN_4/incidents/threats/1700000000000000001',
      entities: {
        hosts: ['HOST_1.DOMAIN_1'],
        users: ['DOMAIN_2\\USER_1'],
        ips: ['IP_1', 'IP_2'],
        files: [{ path: 'PATH_1.exe', sha256: incident.entities.files[0]?.sha256 }],
        urls: ['http://DOMAIN_3/m64.exe'],
        domains: ['DOMAIN_1'],
      },
    });
    expect(JSON.stringify(value)).not.toMatch(
      /j\.smith|WS-FIN-014|corp\.example|10\.10\.4\.21|2001:db8|Maria|acme/i,
    );
    expect(s.unmaskDeep(value, map)).toEqual(incident);
  });
});
