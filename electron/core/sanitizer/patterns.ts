/**
 * The sanitizer's scanner: one regular expression per text mode holding every
 * structural pattern as an alternative, so each string is scanned once.
 *
 * What keeps it fast and linear on hostile input (1 MB of `a`, 100k dots,
 * paths nested 50k deep):
 * - a word-start guard (`(?<!\w)`) rejects most positions before any
 *   alternative is tried, and each alternative begins with its distinctive
 *   characters (`C:`, `S-1-5-21`, `https://`) and checks the character before
 *   them only then: a lookbehind first would run at every position;
 * - plain words never match: names around a dot, `@`, `:`, `=` or backslash
 *   are read by the masker from those trigger characters (`triggerSource`);
 * - every repetition is bounded ({1,255}, {0,64}), and repeated groups end in
 *   a separator their body cannot contain, so there is one way to split.
 *
 * Modes: plain text, and JSON-escaped text (a raw vendor body, where a path
 * reads `C:\\Users\\...` and a single backslash starts an escape).
 */

/** Key names (suffixes) whose value the scanner reads with the key's meaning. */
const KEY_SUFFIX = String.raw`(?:host|hosts|name|user|users|domain|upn|fqdn|computer|workstation|server|controller|version|ver|build|path|image|file|uri|url|request)`;

import { PSEUDONYM_SOURCE } from './registry';
import { buildSecretScanners, type SecretScanners } from './secrets';

const SYSLOG_STAMP = String.raw`(?:[A-Z]{3} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)`;

const URL_SCHEMES = String.raw`(?:https?|hxxps?|ftps?|sftp|tftp|ldaps?|smb|cifs|ssh|rdp|vnc|wss?|tcp|udp|file|git|svn|rtsp|telnet|mqtt|redis|postgres(?:ql)?|mysql|mongodb(?:\+srv)?|amqps?|s3|nfs|dns)`;

/**
 * Token triggers. A token is a run of name characters; it matters only when
 * it holds a dot (IPv4, DNS names), a colon between hex digits (IPv6, MAC),
 * or is followed by `@` (e-mail, user@host), a backslash (DOMAIN\user) or a
 * key separator after a telling key name (`hostname=`, `"processUser":`,
 * `Account Name:`). The scanner stops at those characters, not at every
 * word, and the masker reads the token around them.
 */
function triggerSource(bs: string, withKeys: boolean): string {
  const triggers = [
    // A dot that can start a DNS label, an IPv4 address or a Cisco MAC (not 1.5, 45.515Z, T1003.001).
    String.raw`\.(?<=[\w%+$-]\.)(?=[A-Z_-]|\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d|\.\d)|[0-9A-F]{4}\.[0-9A-F]{4}(?![\w.]))`,
    String.raw`@(?<=[\w.%+$-]@)(?=\w)`,
    // A colon inside an IPv6 address or MAC (never a clock time: that has too few groups).
    String.raw`:(?<=[0-9A-F:]:)(?=:|[0-9A-F]{0,4}::|[0-9A-F]{1,4}:[0-9A-F]{1,4}:[0-9A-F]{1,4}:)`,
  ];
  if (withKeys) {
    triggers.push(String.raw`${bs}(?<=[\w.$-]${bs})(?=[\w.$])`);
    triggers.push(String.raw`[:=](?<=${KEY_SUFFIX}["']?(?:[ \t]|\\t){0,8}[:=])`);
  }
  return String.raw`(?<trig>${triggers.join('|')})`;
}

/**
 * "Nothing name-like right before": the condition every alternative checks.
 * It comes after the alternative's first distinctive characters (`C:`,
 * `S-1-5-21`, `://`), so the engine only evaluates it where those occur. In
 * JSON-escaped text an escape (`\t`, `\n`) counts as a separator too.
 */
function boundary(excluded: string, escaped: boolean): string {
  return escaped ? String.raw`(?:^|[^${excluded}]|(?<!\\)\\[nrt])` : String.raw`(?:^|[^${excluded}])`;
}

/**
 * The main scanner. `escaped`: JSON-escaped text (paths and DOMAIN\\user with
 * doubled backslashes). `escapes`: the text also holds `\\n`, `\\t`, `\\r`
 * escapes, after which a name may start (a slightly slower scan).
 */
function mainSource(escaped: boolean, escapes = escaped): string {
  const bs = escaped ? String.raw`\\\\` : String.raw`\\`;
  const pathStart = boundary(String.raw`\w\\/.$%-`, escapes);
  // A folder name may hold single spaces ("Program Files", "Documents and Settings") but no
  // `;` or `,` and no " -x"/" /x" switch, so a sentence after a path is not read as more folders.
  const word = String.raw`[^\\/:*?"<>|\s;,]{1,80}`;
  const segMid = String.raw`${word}(?: (?![-/])${word}){0,3}`;
  const segLast = String.raw`[^\\/:*?"<>|\s,;'&\x60]{0,255}`;
  const segments = String.raw`(?:${segMid}${bs}){0,64}${segLast}`;
  const device = String.raw`Device${bs}(?:HarddiskVolume(?:ShadowCopy)?\d{1,4}|Mup)${bs}`;
  const winStart = String.raw`(?:[A-Za-z]:${bs}|${bs}${device}|${bs}${bs}[A-Za-z0-9._$-]{1,253}${bs})`;
  const quotedBody = String.raw`(?:[^"'\r\n\t<>|*?\s]|[ \t](?![-/]))`;
  const unixSeg = String.raw`[\w.@%+=,~-]{1,255}`;
  const mac = String.raw`[0-9A-F]{2}(?:-[0-9A-F]{2}){5}`;
  // A DN value ends at a comma (or `+ " < > ; =`); `\,` is an escaped comma (`\\,` in JSON text).
  // A DC value is a DNS label, so prose after the DN is not read as part of it.
  const dnValue = escaped
    ? String.raw`(?:[^,+"\\<>;=\r\n]|\\\\[^\\\r\n]){1,128}`
    : String.raw`(?:[^,+"\\<>;=\r\n]|\\[^\r\n]){1,128}`;
  const dcValue = String.raw`[\w-]{1,63}`;
  const rdn = String.raw`(?:DC=${dcValue}|(?:STREET|UID|CN|OU|ST|O|L|C)=${dnValue})`;
  const dnStart = boundary(String.raw`\w.-`, escapes);
  // These begin a word: one cheap check ("no word character before") skips them inside words.
  const wordStart = [
    // scheme://[userinfo@]host[:port] — the path after it is left to the other alternatives.
    String.raw`(?<url>${URL_SCHEMES}:\/\/(?<=${boundary(String.raw`\w+.-`, escapes)}${URL_SCHEMES}:\/\/)(?:[^\s/?#@"'<>\\]{1,128}@)?(?:\[[0-9A-Fa-f:.%\w]{2,64}\]|[^\s/?#:"'<>\\\[\]]{1,253})(?::\d{1,5})?)`,
    // Also after the long-path prefix \\?\ (\\?\C:\Users\...).
    String.raw`(?<wp>[A-Za-z]:(?<=(?:${pathStart}|${bs}${bs}\?${bs})[A-Za-z]:)${bs}${segments})`,
    String.raw`(?<fp>[A-Za-z]:\/(?<=${pathStart}[A-Za-z]:\/)(?:[\w.@%+=,~()-]{1,255}\/){0,64}[\w.@%+=,~()-]{0,255})`,
    String.raw`(?<sid>S-1-(?:5-21|12-1)(?<=${boundary(String.raw`\w-`, escapes)}S-1-(?:5-21|12-1))(?:-\d{1,10}){2,5})(?![\w-])`,
    String.raw`(?<mac>${mac})(?<=${boundary(String.raw`\w:.-`, escapes)}${mac})(?![\w:-])`,
    // sshd / sudo / su / passwd lines name the account in fixed places.
    String.raw`(?<ssp>(?:(?:for|by|from)(?: invalid| illegal| authenticating)? user|invalid user|illegal user|(?:password|publickey|keyboard-interactive\/pam|hostbased|gssapi-with-mic|none) for(?! invalid | illegal )|sudo:|changed for) {1,16})(?<ssu>[A-Za-z0-9_.$@\\-]{1,64})`,
    // syslog header: "<timestamp> <host> <program>[pid]:"
    String.raw`(?<slt>${SYSLOG_STAMP} )(?<=(?:^|\n|\\n|\r)${SYSLOG_STAMP} )(?<slh>[A-Za-z0-9][\w.-]{0,253})(?= [\w./()-]{1,64}(?:\[\d{1,10}\])?:)`,
    // Windows' default machine names are host names wherever they stand.
    String.raw`(?<wh>(?:DESKTOP|LAPTOP|WIN|EC2AMAZ|WORKSTATION)-(?<=${boundary(String.raw`\w.-`, escapes)}(?:DESKTOP|LAPTOP|WIN|EC2AMAZ|WORKSTATION)-)[A-Z0-9]{5,15})(?![\w-]|\.\w)`,
    String.raw`(?<php>(?:host(?:name)?|computer|workstation|endpoint|machine|device|server|agent|node)(?: name)?:? {1,4})(?<phh>[A-Za-z0-9][\w-]{0,62}(?:\.[\w-]{1,63}){0,10})(?![\w:-]|\.\w)`,
    // An LDAP distinguished name: two or more RDNs (CN=John Doe,OU=Finance,DC=corp,DC=acme).
    String.raw`(?<dn>(?:DC=(?<=${dnStart}DC=)${dcValue}|(?:CN|UID|OU)=(?<=${dnStart}(?:CN|UID|OU)=)${dnValue})(?:,[ ]?${rdn}){1,32})`,
    // arn:partition:service:region:account:resource
    String.raw`(?<arn>arn:(?<=${boundary(String.raw`\w.:/-`, escapes)}arn:)[\w-]{1,32}:[\w-]{1,64}:[\w-]{0,32}:(?:\d{12}|aws)?:[^\s"'<>,;()[\]{}\\\x60]{1,1024})`,
  ];
  const anywhere = [
    // A quoted Windows path may hold spaces anywhere (but not a command-line switch).
    String.raw`(?<qq>["'])(?<qp>${winStart}${quotedBody}{0,1024})(?=["'])`,
    String.raw`(?<wpb>${bs}(?<=${pathStart}${bs})(?:${device}|${bs}[A-Za-z0-9._$-]{1,253}${bs})${segments})`,
    // A bare UNC server, no share after it: `psexec \\host01 -u …`, `net view \\fs01`.
    String.raw`(?<unc>${bs}${bs}(?<=${pathStart}${bs}${bs})[A-Za-z0-9][\w.-]{0,252})(?![\w.$-]|${bs}|\\)`,
    String.raw`(?<up>\/(?<=${boundary(String.raw`\w.:/~\\$%@\]-`, escapes)}\/)(?:${unixSeg}\/){1,64}[\w.@%+=,~-]{0,255})`,
    String.raw`\((?<sto>to [\w.$-]{1,32}\) {1,16})(?<stu>[A-Za-z0-9_.$@\\-]{1,64})`,
    triggerSource(bs, true),
  ];
  // Not right after a word character, unless that character is the letter of a JSON escape (`\t`).
  const guard = escapes ? String.raw`(?<!(?<!(?:^|[^\\])\\)\w)` : String.raw`(?<!\w)`;
  return `${guard}(?:${wordStart.join('|')})|${anywhere.join('|')}`;
}

/** What is still worth finding inside a path left readable (a system location). */
function innerSource(): string {
  const mac = String.raw`[0-9A-F]{2}(?:-[0-9A-F]{2}){5}`;
  return [
    String.raw`(?<sid>S-1-(?:5-21|12-1)(?<=${boundary(String.raw`\w-`, false)}S-1-(?:5-21|12-1))(?:-\d{1,10}){2,5})(?![\w-])`,
    String.raw`(?<mac>${mac})(?<=${boundary(String.raw`\w:.-`, false)}${mac})(?![\w:-])`,
    triggerSource(String.raw`\\`, false),
  ].join('|');
}

/** The groups the masker reads from a scanner match. */
export const GROUP_NAMES = [
  'url',
  'qq',
  'qp',
  'wp',
  'wpb',
  'unc',
  'fp',
  'up',
  'sid',
  'mac',
  'ssp',
  'ssu',
  'sto',
  'stu',
  'slt',
  'slh',
  'wh',
  'php',
  'phh',
  'dn',
  'arn',
  'trig',
] as const;
export type GroupName = (typeof GROUP_NAMES)[number];

/**
 * A compiled scanner. The sources are written with named groups for
 * reading, then compiled with plain numbered ones: a match then costs no
 * `groups` object, which is most of the per-match overhead on busy text.
 * `group` maps each name to its number (a number past the end when absent).
 */
export interface Scanner {
  regex: RegExp;
  group: Readonly<Record<GroupName, number>>;
}

function compile(source: string, flags: string): Scanner {
  const numbers = new Map<string, number>();
  let out = '';
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source.charAt(i);
    if (ch === '\\') {
      out += ch + source.charAt(i + 1);
      i++;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
    } else if (ch === '(' && source.charAt(i + 1) !== '?') {
      count++;
      out += ch;
    } else if (ch === '(') {
      const named = /^\(\?<([A-Za-z]\w*)>/.exec(source.slice(i, i + 40));
      if (named) {
        count++;
        numbers.set(named[1] ?? '', count);
        out += '(';
        i += named[0].length - 1;
      } else out += ch;
    } else out += ch;
  }
  const absent = count + 1;
  const group = Object.fromEntries(GROUP_NAMES.map((name) => [name, numbers.get(name) ?? absent])) as Record<
    GroupName,
    number
  >;
  return { regex: new RegExp(out, flags), group };
}

/** The compiled scanners; built once per Sanitizer (the core keeps no module state). */
export interface Scanners {
  plain: Scanner;
  escaped: Scanner;
  /** JSON-escaped text without `\\n`/`\\t`/`\\r` escapes: the faster guard suffices. */
  escapedNoEscapes: Scanner;
  inner: Scanner;
  /** Sticky tails read after a token: `@domain`, `\user` (plain, escaped), `": "value"`. */
  atTail: RegExp;
  userTailPlain: RegExp;
  userTailEscaped: RegExp;
  valueTail: RegExp;
  /** A key whose value the masker reads with the key's meaning. */
  telling: RegExp;
  /** Pseudonym-shaped tokens (HOST_3, user_12) already in the text being masked. */
  lookalike: RegExp;
  /** Credentials (secrets.ts). */
  secrets: SecretScanners;
}

/** Compiles the scanners (a few milliseconds; the Sanitizer does it once). */
export function buildScanners(): Scanners {
  const user = String.raw`(LOCAL SERVICE|NETWORK SERVICE|ANONYMOUS LOGON|[\w.$-]{1,64})(?![\w$-])`;
  return {
    plain: compile(mainSource(false), 'gi'),
    escaped: compile(mainSource(true), 'gi'),
    escapedNoEscapes: compile(mainSource(true, false), 'gi'),
    inner: compile(innerSource(), 'gi'),
    atTail: /@([\w.-]{1,253})/y,
    userTailPlain: new RegExp(String.raw`(\\)${user}(?!\\)`, 'iy'),
    userTailEscaped: new RegExp(String.raw`(\\\\)${user}(?!\\\\)`, 'iy'),
    valueTail:
      /(["']?)((?:[ \t]|\\t){0,8}[:=](?:[ \t]|\\t){0,8})(?:"([^"\r\n]{0,255})"|'([^'\r\n]{0,255})'|([^\s"',;|&<>()[\]{}]{1,255}))/y,
    telling: new RegExp(`${KEY_SUFFIX}$`, 'i'),
    lookalike: new RegExp(PSEUDONYM_SOURCE, 'gi'),
    secrets: buildSecretScanners(),
  };
}

/**
 * JSON-escaped text doubles every backslash: `CORP\\jdoe`, `C:\\Users`. A
 * doubled backslash right after a name character (not at the start of a UNC
 * path) tells such text from plain text, where `\\server` is the only double.
 */
export function isJsonEscaped(text: string): boolean {
  return text.includes('\\\\') && /[\w:$.%-]\\\\/.test(text);
}

/** Escapes a literal for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

// ---------------------------------------------------------------- word lists

/** Accounts that name no person and matter to the analysis: never masked. */
export const WELL_KNOWN_USERS = new Set([
  'root',
  'admin',
  'administrator',
  'system',
  'local service',
  'network service',
  'localservice',
  'networkservice',
  'anonymous logon',
  'anonymous',
  'guest',
  'nobody',
  'daemon',
  'defaultaccount',
  'wdagutilityaccount',
  'krbtgt',
  'www-data',
  'sshd',
  'everyone',
  'authenticated users',
  'administrators',
  'users',
  'trustedinstaller',
  'public',
  'default',
  'default user',
  'all users',
  'shared',
  '-',
  'n/a',
  'na',
  'null',
  'none',
  'unknown',
]);

/** Windows domains and authorities that are the same on every machine. */
export const WELL_KNOWN_DOMAINS = new Set([
  'nt authority',
  'nt service',
  'builtin',
  'workgroup',
  'iis apppool',
  'window manager',
  'font driver host',
  'nt virtual machine',
  '.',
  '-',
  'n/a',
  'null',
  'none',
  'unknown',
]);

export const WELL_KNOWN_HOSTS = new Set([
  'localhost',
  'localhost.localdomain',
  'ip6-localhost',
  '.',
  '-',
  'n/a',
  'null',
  'none',
  'unknown',
]);

/**
 * Left halves of `X\Y` that make it a relative path or a registry key rather
 * than DOMAIN\user.
 */
export const NOT_A_DOMAIN = new Set([
  'hklm',
  'hkcu',
  'hku',
  'hkcr',
  'hkcc',
  'hkey_local_machine',
  'hkey_current_user',
  'hkey_users',
  'hkey_classes_root',
  'hkey_current_config',
  'registry',
  'machine',
  'software',
  'system',
  'system32',
  'syswow64',
  'windows',
  'microsoft',
  'temp',
  'tmp',
  'appdata',
  'local',
  'roaming',
  'locallow',
  'users',
  'programdata',
  'drivers',
  'config',
  'tasks',
  'prefetch',
  'desktop',
  'documents',
  'downloads',
  'startup',
  'currentversion',
  'currentcontrolset',
  'services',
  'policies',
  'classes',
  'device',
  'pipe',
]);

/** Extensions that make the right half of `X\Y` a file name. */
export const FILE_EXTENSIONS = new Set(
  (
    'exe dll sys ps1 psm1 psd1 bat cmd vbs vbe js jse wsf wsh hta lnk txt log ini cfg conf xml json dat tmp bin ' +
    'msi zip rar 7z gz tar doc docx docm xls xlsx xlsm ppt pptx pdf csv db sqlite evtx etl reg scr cpl ocx drv ' +
    'com jar py sh rtf iso img vhd vhdx png jpg jpeg gif htm html php aspx asp jsp key pem pfx crt cer'
  ).split(' '),
);

/** Top-level folders of Windows whose contents are the same on every machine. */
export const WINDOWS_SYSTEM_ROOTS = new Set([
  'windows',
  'windows.old',
  'program files',
  'program files (x86)',
  'programdata',
  '$recycle.bin',
  'system volume information',
  'perflogs',
  'recovery',
  'boot',
]);

/** Profile folders that belong to no one. */
export const PUBLIC_PROFILES = new Set(['public', 'default', 'default user', 'all users', 'shared']);

/** Top-level folders of Unix systems whose paths name no person or organisation. */
export const UNIX_SYSTEM_ROOTS = new Set([
  'bin',
  'sbin',
  'usr',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'etc',
  'proc',
  'sys',
  'dev',
  'boot',
  'run',
  'tmp',
  'snap',
  'var',
  'root',
  'private',
  'Applications',
  'System',
  'Library',
]);

/** Under /var, these hold people's mail, crontabs and web sites. */
export const UNIX_VAR_PRIVATE = new Set(['mail', 'spool', 'www', 'home', 'vmail']);

/** Active Directory containers and objects that are the same in every domain (CN=Users, CN=System …). */
export const AD_CONTAINERS = new Set(
  [
    'users',
    'computers',
    'builtin',
    'system',
    'configuration',
    'schema',
    'sites',
    'servers',
    'services',
    'policies',
    'partitions',
    'subnets',
    'inter-site transports',
    'ip',
    'smtp',
    'foreignsecurityprincipals',
    'managed service accounts',
    'program data',
    'microsoft',
    'ntds settings',
    'ntds quotas',
    'default-first-site-name',
    'lostandfound',
    'infrastructure',
    'deleted objects',
    'microsoftdns',
    'domaindnszones',
    'forestdnszones',
    'adminsdholder',
    'password settings container',
    'wmipolicy',
    'keys',
    'domain system volume',
    'dfsr-globalsettings',
    'file replication service',
    'rid manager$',
    'rid set',
    'machine',
    'user',
    'extended-rights',
    'display specifiers',
    'well-known security principals',
    'public key services',
    'certification authorities',
    'enrollment services',
    'certificate templates',
    'aia',
    'cdp',
    'kra',
    'oid',
    'ntauthcertificates',
    'ras and ias servers access check',
    'domain controllers',
    'enterprise domain controllers',
    'read-only domain controllers',
    'dnsadmins',
    'dnsupdateproxy',
    'protected users',
    'cloneable domain controllers',
    'denied rodc password replication group',
    'allowed rodc password replication group',
  ].map((name) => name.toLowerCase()),
);

/** Common words that as a bare "user"/"host" value mean nothing: not matched as literals. */
export const LITERAL_STOP_WORDS = new Set([
  'user',
  'users',
  'host',
  'hosts',
  'server',
  'admin',
  'test',
  'local',
  'domain',
  'the',
  'and',
  'for',
  'from',
  'with',
]);
