/**
 * Credentials in incident data: the passwords, tokens and keys of victims
 * that EDR and SIEM telemetry records in command lines, connection strings,
 * logged requests and config dumps. Each credential value becomes `SECRET_n`
 * (the same n for the same value within one mask call, so the model can
 * still see that one password was sprayed at ten accounts); the value is
 * never written to the pseudonym map, so unmask leaves `SECRET_n` as it is.
 * A password is of no use in an analysis and must not be stored, shown in a
 * chat or sent to a model, so there is nothing to restore.
 *
 * What is read (the rules and their limits are in README.md):
 * - keys naming a secret: `password=`, `"api_key": "…"`, `Pwd=…;`,
 *   `--password x`, `/password:x`, `-Password x`, `AWS_SECRET_ACCESS_KEY=`;
 * - `Authorization:` headers (the scheme stays), cookies, bare
 *   `Bearer`/`Basic` credentials, JWTs, AWS access key ids, PEM private keys,
 *   the password in `scheme://user:password@host`;
 * - command lines, by tool: `net user <u> <pw>`, `net use \\h\s <pw>`,
 *   `psexec -p`, `mysql -p<pw>`, `sshpass -p`, `curl -u user:pw`,
 *   `smbclient -U user%pw`, `schtasks /p`, `/p:` `/ntlm:` `/rc4:` `-hashes`,
 *   `ConvertTo-SecureString 'pw'`. A short flag like `-p` means a password
 *   only for the tools listed in TOOL_FLAGS (`ssh -p 2222`, `nc -p 4444` are
 *   ports), decided by the nearest tool name before the flag on its line.
 *
 * Linear on hostile input: one regular expression whose alternatives start
 * with distinctive text, every read after a match bounded, and the tool
 * lookup a single forward scan per string.
 */

/** What a key says its value is. */
export type SecretKeyKind = 'secret' | 'auth' | 'cookie';

/** Prefix of the replacement tokens. Deliberately not a pseudonym prefix: unmask never touches it. */
export const SECRET_PREFIX = 'SECRET';

const MAX_VALUE = 1024;
const MAX_KEY = 64;

/** Key endings that name a credential however they are prefixed (`dbPassword`, `PGPASSWORD`). */
const LONG_KEY_ENDINGS = [
  'password',
  'passwords',
  'passwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'accountkey',
  'aeskey',
  'masterkey',
];
/** Short endings, only as a key of their own or after a separator / camel case (`db_pass`, `unicodePwd`; not `bypass`). */
const SHORT_KEY_WORDS = ['pass', 'pwd', 'pw'];

/** Values that are no credential: placeholders, flags, already redacted, Windows' `%%1843` (Yes). */
const NOT_A_VALUE =
  /^(?:true|false|null|none|nil|undefined|yes|no|n\/a|-|\*+|x{3,}|\[?redacted\]?|<redacted>|<hidden>|hidden|masked|%%\d{1,6}|SECRET_\d{1,9})$/i;
/** A variable, not a literal: `$pw`, `${PW}`, `%PW%`. */
const VARIABLE = /^(?:\$[A-Za-z_][\w:]*|\$\{[^}]*\}|%[\w()]+%|stdin)$/i;
/**
 * An expression or a reference, told by its first characters (checked
 * before the value is read, so a rejected value costs nothing): `$(...)`,
 * `@{...}`, openssl's `env:PW`, `file:/path`, `fd:3`.
 */
const EXPRESSION_START = /^(?:\$\(|@\{|(?:env|file|fd):)/i;
const PATH_VALUE = /^(?:\/|~|[A-Za-z]:[\\/]|\\\\)/;
const TOKEN = /^SECRET_\d{1,9}$/;

/** True when `text` is a redaction token (SECRET_n): never a name to pseudonymise. */
export function isSecretToken(text: string): boolean {
  return text.startsWith(SECRET_PREFIX) && TOKEN.test(text);
}
/** Keys that, inside an object under a secret's key, hold that secret. */
const GENERIC_VALUE_KEYS = new Set([
  'value',
  'data',
  'plain',
  'plaintext',
  'text',
  'raw',
  'current',
  'new',
  'old',
]);

/**
 * The secret a key names, or null. `key` is the key as written (dashes,
 * slash and quotes already stripped); camel case and separators decide
 * where a short word starts.
 */
export function secretKeyKind(key: string): SecretKeyKind | null {
  const norm = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (norm.length === 0 || norm.length > MAX_KEY) return null;
  if (norm === 'authorization' || norm === 'proxyauthorization') return 'auth';
  if (norm === 'cookie' || norm === 'setcookie') return 'cookie';
  if (norm.startsWith('no') && (key.startsWith('no-') || key.startsWith('no_'))) return null;
  if (LONG_KEY_ENDINGS.some((ending) => norm.endsWith(ending))) return 'secret';
  for (const word of SHORT_KEY_WORDS) {
    if (!norm.endsWith(word)) continue;
    const at = key.length - word.length;
    if (at < 0 || key.slice(at).toLowerCase() !== word) continue;
    if (at === 0) return 'secret';
    const before = key.charAt(at - 1);
    if (before === '_' || before === '-' || before === '.' || before === ' ') return 'secret';
    // camelCase: dbPwd, unicodePwd (a lower-case letter or digit, then the word capitalised)
    if (/[a-z0-9]/.test(before) && /[A-Z]/.test(key.charAt(at))) return 'secret';
  }
  return null;
}

type FlagRule = 'next' | 'glued' | 'nextOrGlued' | 'userpass' | 'samba' | 'colon' | 'opensslPass';

/**
 * Short flags that carry a password, per tool (the flag's letter case
 * matters: `mysql -P` is a port, `zip -P` a password). A flag not listed for
 * the nearest tool on its line is not read.
 */
const TOOL_FLAGS: Readonly<Record<string, Readonly<Record<string, FlagRule>>>> = (() => {
  const out: Record<string, Record<string, FlagRule>> = {};
  const add = (tools: string, flags: Record<string, FlagRule>) => {
    for (const tool of tools.split(' ')) out[tool] = { ...out[tool], ...flags };
  };
  add('psexec psexec64 paexec smbmap rdesktop hydra medusa useradd usermod', { '-p': 'next' });
  add('mongo mongosh mongodump mongorestore mongoexport mongoimport mongostat mongotop', { '-p': 'next' });
  add('crackmapexec cme nxc netexec evil-winrm', { '-p': 'next', '-H': 'next' });
  add('sshpass', { '-p': 'nextOrGlued' });
  add(
    'mysql mysqldump mysqladmin mysqlimport mysqlshow mysqlcheck mysqlpump mysqlsh mariadb mariadb-dump 7z 7za 7zr rar unrar winrar',
    { '-p': 'glued' },
  );
  add('zip unzip sqlcmd bcp osql', { '-P': 'next' });
  add('redis-cli', { '-a': 'next' });
  add('ldapsearch ldapmodify ldapadd ldapdelete ldapwhoami ldappasswd ldapcompare ldapmodrdn ldapexop', {
    '-w': 'next',
  });
  add('curl', { '-u': 'userpass', '--user': 'userpass', '-U': 'userpass', '--proxy-user': 'userpass' });
  add('smbclient rpcclient smbcacls smbget winexe pth-winexe pth-smbclient pth-rpcclient', { '-U': 'samba' });
  add('openssl', { '-k': 'next', '-passin': 'opensslPass', '-passout': 'opensslPass' });
  add('schtasks', { '/p': 'next', '/rp': 'next' });
  add('winrs', { '-p': 'colon' });
  return out;
})();

/** Tools whose `-p` and friends mean something else: naming one ends the previous tool's flags. */
const OTHER_TOOLS =
  'ssh scp sftp nc ncat netcat nmap masscan psql pg_dump pg_restore docker podman kubectl socat telnet ps mkdir cp git tar ping';

/** Flags that carry a credential whatever the tool (Rubeus, mimikatz, xfreerdp, impacket). */
const GENERIC_FLAGS: Readonly<Record<string, FlagRule>> = {
  '/p': 'colon',
  '/pth': 'colon',
  '/ntlm': 'colon',
  '/rc4': 'colon',
  '/aes128': 'colon',
  '/aes256': 'colon',
  '/ticket': 'colon',
  '-hashes': 'next',
};

/**
 * password(s) passwd passphrase pass pwd pw private_key proxy-authorization
 * secret(s) secret_key secret_access_key shared_access_key sig set-cookie
 * token api_key access_key account_key aes_key authorization master_key
 * cookie — written as a trie by first letter: a quarter faster to scan than
 * the flat list (fewer branches tried at each position).
 */
const KEYWORDS = String.raw`p(?:ass(?:words?|wd|phrase)?|wd|w|rivate[_-]?key|roxy-authorization)|s(?:ecret(?:s|[_-]?(?:access[_-]?)?key)?|hared[_-]?access[_-]?key|ig|et-cookie)|token|a(?:pi[_-]?key|cc(?:ess|ount)[_-]?key|es[_-]?key|uthorization)|master[_-]?key|cookie`;

const FLAGS = String.raw`-(?:hashes|pass(?:in|out)|[puawhk])|--(?:user|proxy-user)|\/(?:pth|ntlm|rc4|aes128|aes256|ticket|rp|p)`;

function scanSource(): string {
  return [
    // key = value, "key": "value", --key value (a blank only after a flag: not "Failed password for");
    // the key's start and the separator are read in code.
    String.raw`(?<kw>${KEYWORDS})(?:(?=\\?["']?(?:[ \t]|\\t){0,8}[:=])|(?<=[-/][\w.-]{0,48})(?=[ \t]))`,
    String.raw`(?<flag>${FLAGS})(?=[\s:=]|(?<=-[pPuU])[^\s-])`,
    String.raw`(?<bare>bearer|basic)(?=[ \t]{1,8}[A-Za-z0-9._~+/-]{8})`,
    // Checked for a word before only after `eyJ`: a run of `eyJeyJ…` then costs one attempt, not one per position.
    String.raw`(?<jwt>eyJ(?<![\w-]eyJ)[\w-]{8,2048}\.eyJ[\w-]{4,8192}\.[\w-]{0,2048})`,
    String.raw`(?<akid>(?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])`,
    String.raw`(?<url>:\/\/)(?=[^\s/?#@"'<>:\\]{0,128}:[^\s/?#"'<>\\]{1,256}@)`,
    String.raw`(?<pem>-----BEGIN [A-Z0-9 ]{0,24}PRIVATE KEY-----)`,
    String.raw`(?<net>net1?(?:\.exe)?["']?[ \t]{1,8}(?:user|use)(?![\w-]))`,
    String.raw`(?<cts>convertto-securestring)(?![\w-])`,
  ].join('|');
}

function toolSource(): string {
  const tools = [...Object.keys(TOOL_FLAGS), ...OTHER_TOOLS.split(' ')]
    .sort((a, b) => b.length - a.length)
    .map((tool) => tool.replace(/[-.]/g, '\\$&'))
    .join('|');
  return String.raw`(?:^|(?<=[\s"'\\/=(]))(${tools})(?:\.exe|\.py)?(?=$|[\s"'])|([\r\n|;]|&&|[ \t]&[ \t])`;
}

/** The compiled expressions; built once per Sanitizer (the core keeps no module state). */
export interface SecretScanners {
  scan: RegExp;
  tools: RegExp;
  /** What object keys say (keys repeat a lot); bounded. */
  keys: Map<string, SecretKeyKind | null>;
}

export function buildSecretScanners(): SecretScanners {
  return {
    scan: new RegExp(scanSource(), 'gi'),
    tools: new RegExp(toolSource(), 'gi'),
    keys: new Map(),
  };
}

interface Hit {
  start: number;
  end: number;
  replacement: string;
}

/** A value read after a key or flag: where it is, and where reading stopped. */
interface Read {
  start: number;
  end: number;
  next: number;
}

/** Where the lookups that look ahead stand in one string (each a single forward scan). */
interface ToolState {
  pos: number;
  tool: string | null;
  /** The next tool or separator found past the last flag asked about, not yet reached. */
  ahead: { index: number; tool: string | null; end: number } | null;
  /** The next `-----END` at or after the last PEM header (-1: none left), so headers without one cost one search. */
  pemEnd: number | null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Sets a field even when it is called `__proto__`. */
function defineField(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

function isKeyChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 45 ||
    code === 46
  );
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** A flag or command word starts here: nothing but a blank, a quote or `(` before it. */
function startsArgument(source: string, at: number): boolean {
  if (at === 0) return true;
  const before = source.charAt(at - 1);
  return isSpace(before) || before === '"' || before === "'" || before === '(' || before === '`';
}

/** `\n`, `\r`, `\t` or `\"` written as JSON escapes (two characters). */
function escapeAt(source: string, at: number): boolean {
  return source.charCodeAt(at) === 92 && '"nrt'.includes(source.charAt(at + 1));
}

/**
 * Reads one value from `at`: a quoted string (`"…"`, `'…'`, or `\"…\"`
 * inside a JSON-escaped body), else a run up to a blank, a quote, a JSON
 * escape or one of `stops`.
 */
function readValue(source: string, at: number, stops: string): Read | null {
  if (at >= source.length) return null;
  const first = source.charAt(at);
  if (first === '\\' && source.charAt(at + 1) === '"') {
    const close = source.indexOf('\\"', at + 2);
    if (close > 0 && close - at <= MAX_VALUE) return { start: at + 2, end: close, next: close + 2 };
  } else if (first === '"' || first === "'") {
    for (let i = at + 1; i < source.length && i - at <= MAX_VALUE; i++) {
      const ch = source.charAt(i);
      if (ch === '\\' && first === '"') i++;
      else if (ch === first) return { start: at + 1, end: i, next: i + 1 };
      else if (ch === '\n' || ch === '\r') break;
    }
    return null;
  }
  let end = at;
  while (end < source.length && end - at < MAX_VALUE) {
    const ch = source.charAt(end);
    if (isSpace(ch) || ch === '"' || stops.includes(ch) || escapeAt(source, end)) break;
    end++;
  }
  return end > at ? { start: at, end, next: end } : null;
}

/** Blanks (and JSON `\t` escapes) from `at`; the index after them. */
function skipBlanks(source: string, at: number, max = 16): number {
  let i = at;
  while (i - at < max) {
    const ch = source.charAt(i);
    if (ch === ' ' || ch === '\t') i++;
    else if (ch === '\\' && source.charAt(i + 1) === 't') i += 2;
    else break;
  }
  return i;
}

const WIDE_STOPS = `'&;,<>|)]}`;
const ARG_STOPS = "'";

/**
 * Redacts credentials for one mask call: every value becomes `SECRET_n`,
 * numbered by first appearance, the same number for the same value.
 */
export class SecretRedactor {
  private readonly numbers = new Map<string, number>();
  /** Values distinctive enough to replace wherever else they stand (phase 2). */
  private readonly distinctive = new Set<string>();

  constructor(private readonly scanners: SecretScanners) {}

  /** The token for one credential value (a token already is one: phase 1 may read phase 0's output). */
  token(value: string): string {
    if (TOKEN.test(value)) return value;
    let n = this.numbers.get(value);
    if (n === undefined) {
      n = this.numbers.size + 1;
      this.numbers.set(value, n);
      // A password that reads like a word ("welcome") is replaced only where it was found; a key
      // body or a token (long) is not echoed as a word, and the pattern of them stays small.
      const distinct =
        value.length >= 6 && value.length <= 256 && /[A-Za-z]/.test(value) && /[^a-z]/.test(value);
      if (distinct && this.distinctive.size < 512) this.distinctive.add(value);
    }
    return `${SECRET_PREFIX}_${n}`;
  }

  /** True when `value` is a literal credential worth a token. */
  private isValue(value: string): boolean {
    return (
      value.length > 0 && !NOT_A_VALUE.test(value) && !VARIABLE.test(value) && !EXPRESSION_START.test(value)
    );
  }

  /** What an object key says its value is (cached per Sanitizer). */
  keyKind(key: string): SecretKeyKind | null {
    const cache = this.scanners.keys;
    let kind = cache.get(key);
    if (kind === undefined) {
      kind = secretKeyKind(key);
      if (cache.size >= 4096) cache.clear();
      cache.set(key, kind);
    }
    return kind;
  }

  /**
   * Every string inside `value` with its credentials redacted (keys kept,
   * shape kept; a subtree with nothing to redact is returned as it is). A
   * number under a key naming a secret becomes the token too. Then each
   * distinctive credential found is replaced wherever else it stands, so a
   * password echoed in another field is gone before anything else reads it.
   *
   * @throws TypeError when `value` contains itself.
   */
  redactDeep(value: unknown): unknown {
    const first = this.walk(value, null, new Set(), (text, kind) =>
      kind === null ? this.text(text) : this.keyed(text, kind),
    );
    const pattern = this.literalPattern();
    if (pattern === null) return first;
    return this.walk(first, null, new Set(), (text) => this.replaceLiterals(text, pattern));
  }

  private walk(
    value: unknown,
    kind: SecretKeyKind | null,
    path: Set<object>,
    edit: (text: string, kind: SecretKeyKind | null) => string,
  ): unknown {
    if (typeof value === 'string') return edit(value, kind);
    if (typeof value === 'number')
      return kind !== null && Number.isFinite(value) ? this.token(String(value)) : value;
    if (Array.isArray(value)) {
      if (path.has(value)) throw new TypeError('cannot mask a value that contains itself');
      path.add(value);
      let out: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const edited = this.walk(item, kind, path, edit);
        if (edited !== item && out === null) out = value.slice(0, i) as unknown[];
        if (out !== null) out.push(edited);
      }
      path.delete(value);
      return out ?? value;
    }
    if (!isPlainObject(value)) return value;
    if (path.has(value)) throw new TypeError('cannot mask a value that contains itself');
    path.add(value);
    let out: Record<string, unknown> | null = null;
    // Keys are walked without building an entries array: most objects have nothing to redact.
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const item = value[key];
      // Under a key naming a secret, a generic key holds it too ({"password": {"value": …, "new": …}});
      // other keys say what they hold ({"accessKey": {"userName": …, "status": …}}).
      const own = this.keyKind(key);
      const inherited = kind !== null && GENERIC_VALUE_KEYS.has(key.toLowerCase()) ? 'secret' : null;
      const edited = this.walk(item, own ?? inherited, path, edit);
      if (edited !== item && out === null) {
        out = {};
        for (const before in value) {
          if (before === key) break;
          if (Object.prototype.hasOwnProperty.call(value, before)) defineField(out, before, value[before]);
        }
      }
      if (out !== null) defineField(out, key, edited);
    }
    path.delete(value);
    return out ?? value;
  }

  /** The value of an object key that names a credential. */
  keyed(value: string, kind: SecretKeyKind): string {
    const trimmed = value.trim();
    if (!this.isValue(trimmed)) return value;
    if (kind === 'auth') return this.authValue(value, 0, value.length);
    return this.token(value);
  }

  /** Text with every credential value replaced. */
  text(source: string): string {
    // The shortest credential the scanner reads (`pw=x`, `-p x`) has four characters.
    if (source.length < 4) return source;
    const pattern = this.scanners.scan;
    pattern.lastIndex = 0;
    const tools: ToolState = { pos: 0, tool: null, ahead: null, pemEnd: null };
    let out = '';
    let last = 0;
    for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
      const hit = this.hit(match, source, tools);
      if (!hit || hit.start < last) {
        pattern.lastIndex = match.index + 1;
        continue;
      }
      out += source.slice(last, hit.start) + hit.replacement;
      last = hit.end;
      pattern.lastIndex = Math.max(hit.end, match.index + 1);
    }
    return last === 0 ? source : out + source.slice(last);
  }

  /**
   * The pattern of credentials found so far that are distinctive enough to
   * replace wherever else they appear (a password typed in field 3 and
   * echoed in field 9), or null.
   */
  literalPattern(): RegExp | null {
    if (this.distinctive.size === 0) return null;
    const alternatives = [...this.distinctive]
      .sort((a, b) => b.length - a.length)
      .map((v) => v.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
    return new RegExp(`(?:${alternatives.join('|')})`, 'g');
  }

  /** Replaces known credentials in `text` where they stand on their own. */
  replaceLiterals(text: string, pattern: RegExp): string {
    pattern.lastIndex = 0;
    return text.replace(pattern, (found: string, offset: number) => {
      const before = offset > 0 ? text.charCodeAt(offset - 1) : 32;
      const after = text.charCodeAt(offset + found.length);
      const glued = (code: number) =>
        (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
      if (glued(before) || glued(after)) return found;
      return this.token(found);
    });
  }

  private hit(match: RegExpExecArray, source: string, tools: ToolState): Hit | null {
    const groups = match.groups ?? {};
    if (groups.kw !== undefined) return this.keyValue(match.index, groups.kw, source);
    if (groups.flag !== undefined) return this.flag(match.index, groups.flag, source, tools);
    if (groups.bare !== undefined) return this.bare(match.index, groups.bare, source);
    if (groups.jwt !== undefined) {
      if (!groups.jwt.startsWith('eyJ') || (match.index > 0 && isKeyChar(source.charCodeAt(match.index - 1))))
        return null;
      return {
        start: match.index,
        end: match.index + groups.jwt.length,
        replacement: this.token(groups.jwt),
      };
    }
    if (groups.akid !== undefined) return this.accessKey(match.index, groups.akid, source);
    if (groups.url !== undefined) return this.userinfo(match.index + 3, source);
    if (groups.pem !== undefined) return this.pem(match.index + groups.pem.length, source, tools);
    if (groups.net !== undefined) return this.net(match.index, groups.net, source);
    if (groups.cts !== undefined) return this.secureString(match.index, groups.cts.length, source);
    return null;
  }

  // ------------------------------------------------------------ key = value

  private keyValue(at: number, keyword: string, source: string): Hit | null {
    const kwEnd = at + keyword.length;
    let start = at;
    while (start > 0 && kwEnd - start < MAX_KEY && isKeyChar(source.charCodeAt(start - 1))) start--;
    let key = source.slice(start, kwEnd);
    let flag = false;
    const dashes = /^-{1,2}/.exec(key)?.[0] ?? '';
    if (dashes && startsArgument(source, start)) {
      flag = true;
      key = key.slice(dashes.length);
    } else if (source.charAt(start - 1) === '/' && startsArgument(source, start - 1)) flag = true;
    const kind = secretKeyKind(key);
    if (kind === null) return null;
    const before = start > 0 ? source.charAt(start - 1) : '';
    if (key.toLowerCase() === 'sig' && before !== '?' && before !== '&') return null;
    const quote = before === '"' || before === "'";
    // The separator: an optional closing quote, blanks, `:` or `=` (or `=>`); a flag may take a blank.
    let i = kwEnd;
    if (quote && source.charAt(i) === before) i++;
    else if (quote && source.charAt(i) === '\\' && source.charAt(i + 1) === '"') i += 2;
    const afterKey = i;
    i = skipBlanks(source, i, 8);
    const sep = source.charAt(i);
    // A flag's or a `key: value` value ends at a blank; a `key=value` one also at & ; , (query and
    // connection strings).
    const stops = flag || sep === ':' ? ARG_STOPS : WIDE_STOPS;
    if (sep === ':' || sep === '=') {
      if (sep === ':' && !quote && !flag && before === '(') return null; // pam_unix(passwd:chauthtok)
      i++;
      if (sep === '=' && source.charAt(i) === '>') i++;
      i = skipBlanks(source, i);
    } else if (flag && i > afterKey) {
      if (source.charAt(i) === '-') return null;
    } else return null;
    if (kind === 'auth' || kind === 'cookie') return this.headerValue(i, kind, source);
    // `$password = "x"` in a script is a literal; `$pw = ConvertTo-SecureString …` an expression;
    // `"accessKey": {…}` an object whose own keys say what they hold.
    const opening = source.charAt(i);
    if (opening === '{' || opening === '[') return null;
    if (before === '$' && opening !== '"' && opening !== "'") return null;
    // What rules a value out by its start is checked before reading it (a rejected read is not free).
    const peek = source.slice(opening === '"' || opening === "'" ? i + 1 : i, i + 9);
    const lower = key.toLowerCase();
    if ((lower.endsWith('pwd') || lower === 'pass') && PATH_VALUE.test(peek)) return null; // sudo's PWD=/home/x
    if (EXPRESSION_START.test(peek)) return null;
    const read = readValue(source, i, stops);
    if (!read) return null;
    const value = source.slice(read.start, read.end);
    if (!this.isValue(value)) return null;
    return { start: read.start, end: read.end, replacement: this.token(value) };
  }

  /** `Authorization: Bearer x` / `Cookie: a=b; c=d`: to the end of the header (a line, or a quoted string). */
  private headerValue(at: number, kind: SecretKeyKind, source: string): Hit | null {
    let start = at;
    let end: number;
    const first = source.charAt(start);
    if (first === '"' || first === "'" || (first === '\\' && source.charAt(start + 1) === '"')) {
      const read = readValue(source, start, '');
      if (!read) return null;
      start = read.start;
      end = read.end;
    } else {
      end = start;
      while (end < source.length && end - start < 8192) {
        const ch = source.charAt(end);
        if (ch === '\r' || ch === '\n' || ch === '"' || escapeAt(source, end)) break;
        end++;
      }
    }
    while (end > start && (source.charAt(end - 1) === ' ' || source.charAt(end - 1) === '\t')) end--;
    if (end <= start || !this.isValue(source.slice(start, end))) return null;
    if (kind === 'cookie') return { start, end, replacement: this.token(source.slice(start, end)) };
    const replaced = this.authValue(source, start, end);
    return { start, end, replacement: replaced };
  }

  /** An Authorization value: the scheme (`Bearer`, `Basic`, `NTLM`, `AWS4-HMAC-SHA256`) stays. */
  private authValue(source: string, start: number, end: number): string {
    const value = source.slice(start, end);
    const scheme = /^([A-Za-z][\w-]{0,31})([ \t]+)(?=\S)/.exec(value);
    if (!scheme) return this.token(value);
    const head = scheme[0];
    return head + this.token(value.slice(head.length));
  }

  // ------------------------------------------------------------ flags by tool

  private flag(at: number, flag: string, source: string, tools: ToolState): Hit | null {
    if (!startsArgument(source, at)) return null;
    const lower = flag.toLowerCase();
    let rule: FlagRule | undefined = GENERIC_FLAGS[lower];
    // `/p:x` anywhere; `/p x` only for the tools that take it so (schtasks).
    if (rule === 'colon' && source.charAt(at + flag.length) !== ':') rule = undefined;
    if (rule === undefined) {
      const tool = this.toolBefore(source, at, tools);
      if (tool === null) return null;
      const flags = TOOL_FLAGS[tool];
      rule = flags?.[flag] ?? (flag.startsWith('--') ? flags?.[lower] : undefined);
      if (rule === undefined) return null;
    }
    const end = at + flag.length;
    const next = source.charAt(end);
    let read: Read | null = null;
    switch (rule) {
      case 'colon':
        if (next !== ':') return null;
        read = readValue(source, end + 1, ARG_STOPS);
        // msbuild's /p:Name=Value is a property, not a password (a Password=… inside is read as a key).
        if (read && lower === '/p' && source.slice(read.start, read.end).includes('=')) return null;
        if (read && lower === '/ticket' && /\.kirbi$|[\\/]/i.test(source.slice(read.start, read.end)))
          return null;
        break;
      case 'glued':
        if (isSpace(next) || next === '' || next === '=') return null;
        read = readValue(source, end, ARG_STOPS);
        break;
      case 'next':
      case 'opensslPass':
        read = this.nextArgument(source, end);
        break;
      case 'nextOrGlued':
      case 'userpass':
      case 'samba':
        read =
          isSpace(next) || next === '=' ? this.nextArgument(source, end) : readValue(source, end, ARG_STOPS);
        break;
    }
    if (!read) return null;
    let start = read.start;
    const value = source.slice(read.start, read.end);
    if (rule === 'userpass' || rule === 'samba' || rule === 'opensslPass') {
      const marker = rule === 'userpass' ? ':' : rule === 'samba' ? '%' : 'pass:';
      const cut = rule === 'opensslPass' ? (value.startsWith(marker) ? 0 : -1) : value.indexOf(marker);
      if (cut < 0) return null;
      start = read.start + cut + marker.length;
    }
    const secret = source.slice(start, read.end);
    if (!this.isValue(secret)) return null;
    return { start, end: read.end, replacement: this.token(secret) };
  }

  /** The argument after a flag and its blanks (or `=`); not another flag. */
  private nextArgument(source: string, at: number): Read | null {
    let i = at;
    if (source.charAt(i) === '=') i++;
    else {
      const after = skipBlanks(source, i, 8);
      if (after === i) return null;
      i = after;
    }
    // `-p -x`, `/p /s host`: the flag has no value here.
    if (source.charAt(i) === '-' || source.charAt(i) === '/') return null;
    return readValue(source, i, ARG_STOPS);
  }

  /**
   * The tool whose arguments stand at `at`: the last tool name before it on
   * the same command (a line, or after `|`, `;`, `&&`), or null. Scans
   * forward only, remembering where it stopped, so a string full of flags
   * costs one pass.
   */
  private toolBefore(source: string, at: number, state: ToolState): string | null {
    const pattern = this.scanners.tools;
    for (;;) {
      if (state.ahead === null) {
        pattern.lastIndex = state.pos;
        const found = pattern.exec(source);
        state.ahead = found
          ? {
              index: found.index,
              tool: found[1] !== undefined ? found[1].toLowerCase() : null,
              end: pattern.lastIndex,
            }
          : { index: Number.POSITIVE_INFINITY, tool: null, end: Number.POSITIVE_INFINITY };
      }
      if (state.ahead.index >= at) return state.tool;
      state.tool = state.ahead.tool;
      state.pos = Math.max(state.ahead.end, state.ahead.index + 1);
      state.ahead = null;
    }
  }

  // ------------------------------------------------------------ other forms

  /** `Bearer <token>` / `Basic <base64 user:pass>` outside an Authorization header. */
  private bare(at: number, scheme: string, source: string): Hit | null {
    if (at > 0 && isKeyChar(source.charCodeAt(at - 1))) return null;
    const start = skipBlanks(source, at + scheme.length, 8);
    let end = start;
    while (end < source.length && end - start < 8192 && /[A-Za-z0-9._~+/=-]/.test(source.charAt(end))) end++;
    const value = source.slice(start, end);
    if (scheme.toLowerCase() === 'basic') {
      if (!/^[A-Za-z0-9+/]{4,}={0,2}$/.test(value) || value.length % 4 !== 0) return null;
      if (!Buffer.from(value, 'base64').toString('latin1').includes(':')) return null;
    } else if (value.length < 16 || !/\d/.test(value) || NOT_A_VALUE.test(value)) return null;
    return { start, end, replacement: this.token(value) };
  }

  /** An AWS access key id, and the secret access key when it follows (`AKIA… wJalr…`). */
  private accessKey(at: number, id: string, source: string): Hit | null {
    if (!/^(?:AKIA|ASIA)[A-Z0-9]{16}$/.test(id)) return null;
    if (at > 0 && isKeyChar(source.charCodeAt(at - 1))) return null;
    const end = at + id.length;
    const pair = /^([\s,;:|"'=]{1,6})([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/.exec(source.slice(end, end + 64));
    if (pair) {
      const separator = pair[1] ?? '';
      const secret = pair[2] ?? '';
      return {
        start: at,
        end: end + separator.length + secret.length,
        replacement: this.token(id) + separator + this.token(secret),
      };
    }
    return { start: at, end, replacement: this.token(id) };
  }

  /** `scheme://user:password@host`: the password (up to the last `@` before the host). */
  private userinfo(at: number, source: string): Hit | null {
    let colon = at;
    while (colon < source.length && colon - at <= 128 && source.charAt(colon) !== ':') colon++;
    let end = colon + 1;
    let lastAt = -1;
    while (end < source.length && end - colon <= 257) {
      const ch = source.charAt(end);
      if (isSpace(ch) || '/?#"\'<>\\'.includes(ch)) break;
      if (ch === '@') lastAt = end;
      end++;
    }
    if (lastAt <= colon + 1) return null;
    const value = source.slice(colon + 1, lastAt);
    if (!this.isValue(value)) return null;
    return { start: colon + 1, end: lastAt, replacement: this.token(value) };
  }

  /** The body of a PEM private key (the BEGIN/END lines stay). */
  private pem(at: number, source: string, state: ToolState): Hit | null {
    if (state.pemEnd === null || (state.pemEnd >= 0 && state.pemEnd < at))
      state.pemEnd = source.indexOf('-----END', at);
    const end = state.pemEnd;
    if (end < 0 || end - at > 65_536) return null;
    return { start: at, end, replacement: this.token(source.slice(at, end)) };
  }

  /**
   * `net user <name> <password> [/add]` and
   * `net use [X:] \\host\share <password> [/user:D\u]`: the first positional
   * argument after the user name, or after the share (`*` prompts, so it
   * is no password).
   */
  private net(at: number, command: string, source: string): Hit | null {
    if (!startsArgument(source, at) && !/[\\/]/.test(source.charAt(at - 1))) return null;
    const user = /user$/i.test(command);
    let i = at + command.length;
    const positional: Read[] = [];
    for (let n = 0; n < 16 && positional.length < 3; n++) {
      const next = skipBlanks(source, i, 8);
      if (next === i) break;
      const read = readValue(source, next, '|&');
      if (!read) break;
      const ch = source.charAt(next);
      const raw = source.slice(read.start, read.end);
      if (ch !== '/' && !(ch === '\\' && source.charAt(next + 1) === '"' && raw.startsWith('/')))
        positional.push(read);
      i = read.next;
    }
    let password: Read | undefined;
    if (user) password = positional[1];
    else {
      let k = 0;
      const first = positional[0];
      if (first && /^(?:[A-Za-z]:|\*)$/.test(source.slice(first.start, first.end))) k = 1;
      const share = positional[k];
      if (share && source.slice(share.start, share.start + 2) === '\\\\') password = positional[k + 1];
    }
    if (!password) return null;
    const value = source.slice(password.start, password.end);
    if (value === '*' || !this.isValue(value)) return null;
    return { start: password.start, end: password.end, replacement: this.token(value) };
  }

  /** `ConvertTo-SecureString 'pw' -AsPlainText`, `-String "pw"`, or `'pw' | ConvertTo-SecureString`. */
  private secureString(at: number, length: number, source: string): Hit | null {
    let i = at + length;
    for (let n = 0; n < 6; n++) {
      const next = skipBlanks(source, i, 8);
      if (next === i) break;
      const ch = source.charAt(next);
      if (ch === '-') {
        const flag = /^-[A-Za-z]{1,16}/.exec(source.slice(next, next + 17));
        if (!flag) break;
        i = next + flag[0].length;
        continue;
      }
      const read = readValue(source, next, "'|;)");
      if (!read) break;
      const value = source.slice(read.start, read.end);
      if (!this.isValue(value)) return null;
      return { start: read.start, end: read.end, replacement: this.token(value) };
    }
    // The pipeline form: the literal stands before the cmdlet.
    const before = /(["'])([^"'\r\n]{1,256})\1[ \t]*\|[ \t]*$/.exec(source.slice(Math.max(0, at - 300), at));
    if (!before) return null;
    const value = before[2] ?? '';
    if (!this.isValue(value)) return null;
    const start = at - before[0].length + 1;
    // The replacement must not reach past what the scan already emitted: the caller checks `start`.
    return { start, end: start + value.length, replacement: this.token(value) };
  }
}
