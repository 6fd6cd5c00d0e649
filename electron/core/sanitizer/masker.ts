/**
 * One masking run: seeds the incident's known entities, masks every string of
 * a value (phase 1: structural patterns, in one scan per string), then
 * replaces every known name wherever it still stands as a bare word (phase 2),
 * so a host name found in field 9 is also masked in the title. The rules are
 * listed in README.md next to this file.
 */
import type { Entities } from '../../../shared/domain';
import {
  expandIPv6,
  hasInternalSuffix,
  isIPv4,
  isPublicKnowledgeIPv4,
  isPublicKnowledgeIPv6,
  looksLikeDnsName,
  normalizeIPv4,
  registrableDomain,
  splitMappedIPv4,
} from './net';
import {
  AD_CONTAINERS,
  escapeRegExp,
  FILE_EXTENSIONS,
  isJsonEscaped,
  LITERAL_STOP_WORDS,
  NOT_A_DOMAIN,
  PUBLIC_PROFILES,
  UNIX_SYSTEM_ROOTS,
  UNIX_VAR_PRIVATE,
  WELL_KNOWN_DOMAINS,
  WELL_KNOWN_HOSTS,
  WELL_KNOWN_USERS,
  WINDOWS_SYSTEM_ROOTS,
  type Scanner,
  type Scanners,
} from './patterns';
import {
  looksLikePseudonym,
  pseudonymStartsHere,
  Registry,
  phrasesOf,
  type Entity,
  type Kind,
  type PseudonymMap,
} from './registry';
import { isSecretToken, secretKeyKind, SecretRedactor, type SecretKeyKind } from './secrets';

/**
 * The classes settings may switch on and off (empty list = all). `secret`
 * is listed so that settings naming it are valid, but it is always on:
 * credentials are redacted whatever the list says (see secrets.ts).
 */
export const MASK_CLASSES = [
  'user',
  'host',
  'ip',
  'path',
  'email',
  'mac',
  'sid',
  'url',
  'domain',
  'cloud',
  'secret',
] as const;
export type MaskClass = (typeof MASK_CLASSES)[number];

/** What a key says about its value. */
type KeyKind = 'host' | 'user' | 'domain' | 'path' | 'version' | 'web' | SecretKeyKind | null;

/** The settings class a pseudonym kind belongs to: ARN accounts and resources are `cloud`. */
function classOf(kind: Kind): MaskClass {
  return kind === 'account' || kind === 'resource' ? 'cloud' : kind;
}

interface Ctx {
  /** Dotted quads here are versions unless already known as addresses. */
  version: boolean;
  /** Absolute Unix-looking paths here are URL paths, not files. */
  web: boolean;
}

const KIND_OF_WRITTEN = new Map<string, Kind>([
  ['HOST', 'host'],
  ['USER', 'user'],
  ['DOMAIN', 'domain'],
  ['IP', 'ip'],
  ['PATH', 'path'],
  ['EMAIL', 'email'],
  ['MAC', 'mac'],
  ['SID', 'sid'],
  ['ACCOUNT', 'account'],
  ['RESOURCE', 'resource'],
]);

const NO_CTX: Ctx = { version: false, web: false };
const VERSION_CTX: Ctx = { version: true, web: false };
const WEB_CTX: Ctx = { version: false, web: true };

/**
 * Replacement text, how many characters of the source it replaces, and where
 * that span starts when not at the match (a token read back from its trigger).
 */
type Step = [string, number, number?];

const WINDOWS_DEFAULT_HOST = /^(?:desktop|laptop|win|ec2amaz|workstation)-[a-z0-9]{5,15}$/i;
/** A single-label host name; letters of any script (сервер-01, 服务器1), as entity hosts can be. */
const HOST_NAME = /^[\p{L}\p{N}_][\p{L}\p{N}\p{M}_-]{0,62}$/u;
const HAS_LETTER = /\p{L}/u;
const NON_ASCII_WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const HTTP_METHOD_BEFORE = /(?:GET|POST|PUT|HEAD|DELETE|PATCH|OPTIONS|CONNECT|TRACE|PROPFIND)\s+$/;
const VERSION_BEFORE = /(?:version|\bver|\bbuild|\brelease|\bfirmware|\bfw)\W{0,4}$|[A-Za-z]\/$/i;
const PATH_START = /^(?:[A-Za-z]:[\\/]|\\\\|\\Device\\|\/)/i;
const LONE_BACKSLASH = /(?<!\\)\\(?!\\)/;
const DRIVE_SHARE = /^[a-z]\$$/i;
/** ADMIN$ is the remote C:\Windows; IPC$ carries named pipes. */
const SYSTEM_SHARE = /^(?:admin\$|ipc\$|print\$)$/i;
const MAC_COLON = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
const BUILTIN_GROUP =
  /^(?:Domain (?:Admins|Users|Computers|Controllers|Guests)|Enterprise (?:Key )?Admins|Schema Admins|Key Admins|(?:Account|Backup|Server|Print) Operators|Remote Desktop Users|Protected Users|Group Policy Creator Owners|Cert Publishers)\b/i;
const CISCO_MAC = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i;
const EMBEDDED_IPV4 =
  /(?<![\w.])(?:25[0-5]|2[0-4]\d|[01]?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|[01]?\d?\d)){3}(?![\d.])/g;
/** A DN under one of these holds machines: its CN is a host. */
const MACHINE_CONTAINER =
  /^(?:computers|workstations|servers|domain controllers|laptops|desktops|devices|endpoints|member servers)$/i;

interface DnPart {
  /** Lower case: cn, ou, dc, uid … */
  attr: string;
  /** As written (escapes kept). */
  value: string;
  /** Where the value starts and ends in the DN. */
  start: number;
  end: number;
}

/** The parts of a DN the scanner matched (`\,` escapes a comma; `\\,` in JSON text). */
function splitDn(dn: string, escaped: boolean): DnPart[] {
  const parts: DnPart[] = [];
  let i = 0;
  while (i < dn.length && parts.length < 64) {
    const eq = dn.indexOf('=', i);
    if (eq < 0) break;
    const attr = dn.slice(i, eq).trim().toLowerCase();
    let end = eq + 1;
    while (end < dn.length && dn.charAt(end) !== ',') end += dn.charAt(end) === '\\' ? (escaped ? 3 : 2) : 1;
    end = Math.min(end, dn.length);
    parts.push({ attr, value: dn.slice(eq + 1, end), start: eq + 1, end });
    i = end + 1;
  }
  return parts;
}

const SSH_PASSWORD_PREFIX =
  /^(?:password|publickey|keyboard-interactive\/pam|hostbased|gssapi-with-mic|none) for/i;

const HOST_KEY_SUFFIXES = [
  'logonserver',
  'servername',
  'domaincontroller',
  'computername',
  'hostname',
  'machinename',
  'devicename',
  'workstationname',
  'workstation',
  'endpointname',
  'netbiosname',
  'fqdn',
  'host',
  'hosts',
  'computer',
  'computers',
];
const USER_KEY_SUFFIXES = [
  'username',
  'user',
  'users',
  'upn',
  'userprincipalname',
  'samaccountname',
  'logonuser',
  'givenname',
  'surname',
  'fullname',
  'assignee',
  'owner',
  'actor',
];
const PATH_KEY_SUFFIXES = ['path', 'paths', 'image', 'folder', 'directory', 'filename', 'file'];
const WEB_KEY_SUFFIXES = ['uri', 'url', 'urls', 'request', 'referer', 'referrer'];
/** Keys that name whatever the object around them is (a user's or a device's displayName). */
const NAME_KEYS = new Set(['name', 'displayname', 'fullname', 'fqdn', 'dnsname', 'shortname']);
/** Keys whose object describes a person or a machine. */
const PERSON_OBJECT_KEYS = new Set([
  'user',
  'users',
  'account',
  'actor',
  'initiator',
  'owner',
  'manager',
  'subject',
  'target',
]);
const MACHINE_OBJECT_KEYS = new Set([
  'host',
  'hosts',
  'device',
  'devicedetail',
  'computer',
  'endpoint',
  'machine',
  'agent',
  'workstation',
]);

/**
 * What a key means inside an object found under `parentKey`: `name` and
 * `displayName` of a user object are the person, of a device object the host.
 */
function nameKeyKind(parentKey: string | undefined, key: string): KeyKind {
  if (parentKey === undefined) return null;
  const norm = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!NAME_KEYS.has(norm)) return null;
  const parent = parentKey.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (PERSON_OBJECT_KEYS.has(parent)) return 'user';
  if (MACHINE_OBJECT_KEYS.has(parent)) return 'host';
  return null;
}
/** Reads what a key (JSON property, `key=`, `Key Name:`) says its value is. */
export function keyKindOf(key: string): KeyKind {
  const norm = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (norm.length === 0) return null;
  const secret = secretKeyKind(key);
  if (secret) return secret;
  const version =
    norm.includes('version') ||
    norm === 'ver' ||
    norm.endsWith('build') ||
    /(?:^|[_.\s-])ver$/i.test(key) ||
    /[a-z]Ver$/.test(key);
  if (version) return 'version';
  if (HOST_KEY_SUFFIXES.some((s) => norm.endsWith(s))) return 'host';
  if (USER_KEY_SUFFIXES.some((s) => norm.endsWith(s))) return 'user';
  // "Account Name:" in Windows event text is the account; S1's "accountName" is the console tenant.
  if (norm.endsWith('accountname') && (norm !== 'accountname' || /[\s_.-]/.test(key))) return 'user';
  if (norm.endsWith('domain') || norm.endsWith('domainname') || norm.endsWith('domains')) return 'domain';
  if (PATH_KEY_SUFFIXES.some((s) => norm.endsWith(s))) return 'path';
  if (WEB_KEY_SUFFIXES.some((s) => norm.endsWith(s))) return 'web';
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Moves sentence punctuation glued to the end of a token out of it. */
function splitTrailing(token: string): [string, string] {
  let end = token.length;
  while (end > 1) {
    const ch = token[end - 1];
    if (ch === '.' || ch === ',' || ch === ';' || ch === ':' || ch === '!') end--;
    else if (ch === ')' || ch === ']') {
      const open = ch === ')' ? '(' : '[';
      const body = token.slice(0, end);
      if (body.split(open).length >= body.split(ch).length) break;
      end--;
    } else break;
  }
  return [token.slice(0, end), token.slice(end)];
}

function isTokenChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 46 ||
    code === 45 ||
    code === 37 ||
    code === 43 ||
    code === 36
  );
}

/**
 * Where the token ending at `end` starts, or -1 when it is not a token of its
 * own (glued to an `@` or to text before `floor`). In JSON-escaped text the
 * letter of an escape (`\n`, `\t`) is not part of the token.
 */
function tokenStart(source: string, end: number, floor: number, escaped: boolean): number {
  let i = end;
  let atEscape = false;
  while (i > floor && end - i < 253 && isTokenChar(source.charCodeAt(i - 1))) {
    if (escaped && i >= 2 && source.charCodeAt(i - 2) === 92 && 'nrtbfu'.includes(source.charAt(i - 1))) {
      if (i < 3 || source.charCodeAt(i - 3) !== 92) {
        atEscape = true;
        break;
      }
    }
    i--;
  }
  if (i === end) return -1;
  if (i > 0 && !atEscape) {
    const before = source.charCodeAt(i - 1);
    if (before === 64 || isTokenChar(before)) return -1;
  }
  return i;
}

function isPathSeparator(code: number): boolean {
  return code === 92 || code === 47;
}

function isHexOrColon(code: number): boolean {
  return (code >= 48 && code <= 58) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** True when the character before `at` ends a JSON escape (`\n`, `\t`, `\r`). */
function escapeBefore(source: string, at: number, escaped: boolean): boolean {
  return (
    escaped &&
    at >= 2 &&
    source.charCodeAt(at - 2) === 92 &&
    'nrt'.includes(source.charAt(at - 1)) &&
    (at < 3 || source.charCodeAt(at - 3) !== 92)
  );
}

/**
 * True when a known name found at `at` is a word of its own: nothing
 * name-like glued before it (a dotted domain may follow a label: vpn.<domain>),
 * or only the letter of a JSON escape (`\tjdoe`).
 */
/**
 * Whether the character at `at` is a letter or digit outside ASCII, which
 * continues a word the ASCII-minded patterns would end there (иван in
 * ивановa). ASCII neighbours are the patterns' own boundaries' business.
 */
function nonAsciiWordAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code > 127 && NON_ASCII_WORD_CHAR.test(text.charAt(at));
}

/** Scripts written without spaces between words: a name in them has no word boundary to ask for. */
const SPACELESS_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** A known name found at `at` is that name, not part of a longer word of another script. */
function wholeWordAt(text: string, at: number, length: number): boolean {
  if (SPACELESS_SCRIPT.test(text.slice(at, at + length))) return true;
  return !(at > 0 && nonAsciiWordAt(text, at - 1)) && !nonAsciiWordAt(text, at + length);
}

function standsAlone(text: string, at: number, dotted: boolean): boolean {
  if (at === 0) return true;
  const before = text.charCodeAt(at - 1);
  if (before === 46) return dotted;
  if (!isTokenChar(before) || before === 37 || before === 43 || before === 36) return true;
  return escapeBefore(text, at, true);
}

interface Slot {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
}

export interface RunOptions {
  classes: readonly string[];
  allow: readonly string[];
}

/** What the keys of masked objects say, remembered across runs (keys repeat a lot). */
export class KeyKinds {
  private readonly known = new Map<string, KeyKind>();

  of(key: string): KeyKind {
    let kind = this.known.get(key);
    if (kind === undefined) {
      kind = keyKindOf(key);
      if (this.known.size >= 4096) this.known.clear();
      this.known.set(key, kind);
    }
    return kind;
  }
}

/** One call of `Sanitizer.mask`: its settings, its registry, the strings it produced. */
export class MaskRun {
  readonly registry: Registry;
  private readonly classes: ReadonlySet<string>;
  private readonly allow: ReadonlySet<string>;
  /** Domains the incident shows to be the organisation's: every name under them is masked. */
  private readonly orgDomains = new Set<string>();
  /** Seeded values the scanner would cut short (they hold spaces): replaced first, literally. */
  private exactPattern: RegExp | null = null;
  private readonly exactOwner = new Map<string, 'path' | 'user' | 'host'>();
  private readonly slots: Slot[] = [];
  private literalOwner = new Map<string, Entity>();
  /** Entities found where the text says what they are (or seeded): replaced as bare words too. */
  private readonly strong = new Set<Entity>();
  private readonly secrets: SecretRedactor;

  /**
   * True when the registry is shared by many runs (Sanitizer.session): the
   * bare-word matcher then holds only the known names whose first word the
   * run's text may hold (`Registry.entitiesNamedIn`), not every name of the
   * session (tens of thousands, in an export).
   */
  private readonly shared: boolean;

  constructor(
    private readonly scanners: Scanners,
    private readonly keyKinds: KeyKinds,
    options: RunOptions,
    map: PseudonymMap | Registry,
  ) {
    this.shared = map instanceof Registry;
    this.registry = map instanceof Registry ? map : new Registry(map);
    this.secrets = new SecretRedactor(scanners.secrets);
    this.classes = new Set(options.classes.map((c) => c.toLowerCase()));
    this.allow = new Set(options.allow.map((a) => a.trim().toLowerCase()).filter((a) => a.length > 0));
  }

  // ------------------------------------------------------------ settings

  private enabled(cls: MaskClass): boolean {
    return this.classes.size === 0 || this.classes.has(cls);
  }

  private allowed(value: string): boolean {
    return this.allow.size > 0 && this.allow.has(value.toLowerCase());
  }

  /**
   * The pseudonym of `real` when its class is masked. `weak` marks a name
   * the text only suggests (a login an attacker tried, the first label of a
   * public-looking URL host): it is masked where found, but replaced as a
   * bare word elsewhere only if it looks like a name (holds a digit, `.`,
   * `-`, `_`), so "support" or "files" do not vanish from every sentence.
   */
  private mask(kind: Kind, real: string, cls: MaskClass = classOf(kind), weak = false): string {
    if (!this.enabled(cls) || this.registry.isPseudonym(real) || isSecretToken(real)) return real;
    const { entity, pseudonym } = this.registry.resolve(kind, real);
    if (!weak) this.strong.add(entity);
    return pseudonym;
  }

  private spell(entity: Entity, real: string, cls: MaskClass = classOf(entity.kind)): string {
    return this.enabled(cls) ? this.registry.spell(entity, real) : real;
  }

  // ------------------------------------------------------------ seeding

  /** Gives the incident's own entities their pseudonyms first (so HOST_1 is its host). */
  seed(known: Entities): void {
    for (const host of known.hosts) this.seedHost(host.trim());
    for (const user of known.users) this.seedUser(user.trim());
    for (const ip of known.ips) this.seedIp(ip.trim());
    for (const file of known.files) this.seedPath(file.path.trim());
    for (const url of known.urls) this.seedUrl(url.trim());
    for (const domain of known.domains) this.seedDomain(domain.trim());
    if (this.exactOwner.size > 0) {
      const literals = [...this.exactOwner.keys()].sort((a, b) => b.length - a.length);
      this.exactPattern = new RegExp(
        `(?<![\\w.-])(?:${literals.map(escapeRegExp).join('|')})(?![\\w-]|\\.\\w)`,
        'gi',
      );
    }
  }

  private addExact(literal: string, kind: 'path' | 'user' | 'host'): void {
    this.exactOwner.set(literal.toLowerCase(), kind);
    const escaped = JSON.stringify(literal).slice(1, -1);
    if (escaped !== literal) this.exactOwner.set(escaped.toLowerCase(), kind);
  }

  private seedHost(host: string): void {
    if (!host || WELL_KNOWN_HOSTS.has(host.toLowerCase()) || this.allowed(host)) return;
    if (/\s/.test(host)) {
      this.mask('host', host);
      this.addExact(host, 'host');
      return;
    }
    if (host.includes('.') && !isIPv4(host) && looksLikeDnsName(host)) {
      const lower = host.toLowerCase();
      const parent = lower.slice(lower.indexOf('.') + 1);
      if (parent.includes('.') || hasInternalSuffix(parent)) {
        this.orgDomains.add(parent);
        this.orgDomains.add(registrableDomain(parent));
      }
    }
    this.hostToken(host, true);
    // The scanners read ASCII names; one in another script is found as written, before them.
    if (/\P{ASCII}/u.test(host)) this.addExact(host, 'host');
  }

  private seedUser(user: string): void {
    if (!user || WELL_KNOWN_USERS.has(user.toLowerCase()) || this.allowed(user)) return;
    if (/\s/.test(user) && !/[\r\n]/.test(user)) {
      this.userToken(user);
      const slash = /\\+/.exec(user);
      const bare = slash ? user.slice(slash.index + slash[0].length) : user;
      this.mask('user', bare);
      this.addExact(user, 'user');
      if (bare !== user) this.addExact(bare, 'user');
      return;
    }
    const at = user.indexOf('@');
    if (at > 0 && looksLikeDnsName(user.slice(at + 1))) {
      const domain = user.slice(at + 1).toLowerCase();
      this.orgDomains.add(domain);
      this.orgDomains.add(registrableDomain(domain));
      this.userToken(user);
      // The local part of a UPN is usually the logon name seen elsewhere (CORP\jdoe, /home/jdoe).
      const local = user.slice(0, at);
      if (local.length >= 3 && !WELL_KNOWN_USERS.has(local.toLowerCase())) this.userToken(local);
      return;
    }
    this.userToken(user);
  }

  private seedIp(ip: string): void {
    const bare = ip.replace(/\/\d{1,3}$/, '').replace(/^\[|\]$/g, '');
    if (isIPv4(bare)) this.ipv4(bare, false);
    else if (bare.includes(':') && expandIPv6(bare)) this.ipv6(bare);
  }

  private seedPath(path: string): void {
    if (!path || this.allowed(path)) return;
    if (!PATH_START.test(path)) return;
    this.wholePath(path);
    if (/\s/.test(path)) this.addExact(path, 'path');
  }

  private seedUrl(url: string): void {
    const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#]+/.exec(url);
    if (match) this.url(match[0], true);
    else if (looksLikeDnsName(url)) this.seedDomain(url);
  }

  private seedDomain(domain: string): void {
    if (!domain || this.allowed(domain)) return;
    if (isIPv4(domain)) this.ipv4(domain, false);
    else if (looksLikeDnsName(domain) && this.fqdn(domain, false) === domain) this.mask('domain', domain);
  }

  // ------------------------------------------------------------ deep walk

  /**
   * Text that already holds pseudonym-shaped tokens (a variable `host_3`)
   * keeps those numbers out of use, so unmask cannot turn them into a value.
   * Call before `seed`.
   */
  reserveLookalikes(value: unknown): void {
    this.reservePseudonymLookalikes(value, new Set());
  }

  /**
   * Phase 0 (credentials, in every string, before anything else reads the
   * text), phase 1 over the whole value, then phase 2 over every string it
   * produced.
   */
  maskValue(input: unknown): unknown {
    const value = this.secrets.redactDeep(input);
    if (typeof value === 'string') {
      const holder: unknown[] = [this.field(value, null)];
      this.slots.push({ holder, key: 0 });
      this.replaceKnownNames();
      return holder[0];
    }
    const out = this.deep(value, null, new Set());
    this.replaceKnownNames();
    return out;
  }

  private reservePseudonymLookalikes(value: unknown, seen: Set<object>): void {
    if (typeof value === 'string') {
      if (!/_\d/.test(value)) return;
      const pattern = this.scanners.lookalike;
      pattern.lastIndex = 0;
      for (let found = pattern.exec(value); found; found = pattern.exec(value)) {
        if (!pseudonymStartsHere(value, found.index)) continue;
        const kind = KIND_OF_WRITTEN.get((found[1] ?? '').toUpperCase());
        if (kind && !this.registry.isPseudonym(found[0])) this.registry.reserve(kind, Number(found[3]));
      }
    } else if ((Array.isArray(value) || isPlainObject(value)) && !seen.has(value)) {
      seen.add(value);
      for (const item of Object.values(value)) this.reservePseudonymLookalikes(item, seen);
    }
  }

  private deep(value: unknown, kind: KeyKind, path: Set<object>, parentKey?: string): unknown {
    if (Array.isArray(value)) {
      if (path.has(value)) throw new TypeError('cannot mask a value that contains itself');
      path.add(value);
      const out: unknown[] = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') {
          out[i] = this.field(item, kind);
          this.slots.push({ holder: out, key: i });
        } else out[i] = this.deep(item, kind, path, parentKey);
      }
      path.delete(value);
      return out;
    }
    if (isPlainObject(value)) {
      if (path.has(value)) throw new TypeError('cannot mask a value that contains itself');
      path.add(value);
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const kind = nameKeyKind(parentKey, key) ?? this.keyKinds.of(key);
        const masked = typeof item === 'string' ? this.field(item, kind) : this.deep(item, kind, path, key);
        if (key === '__proto__')
          Object.defineProperty(out, key, {
            value: masked,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else out[key] = masked;
        if (typeof item === 'string') this.slots.push({ holder: out, key });
      }
      path.delete(value);
      return out;
    }
    return value;
  }

  /** A string whose key may say what it is. */
  private field(value: string, kind: KeyKind): string {
    switch (kind) {
      case 'secret':
      case 'auth':
      case 'cookie':
        return this.secrets.keyed(value, kind);
      case 'host':
        if (/^[^\s\\/]{1,253}$/.test(value)) return this.hostToken(value, true);
        break;
      case 'user':
        if (value.length <= 104 && !/[\r\n\t]/.test(value) && value.split(' ').length <= 4)
          return this.userToken(value);
        break;
      case 'domain':
        if (/^[^\s\\/]{1,253}$/.test(value)) return this.domainToken(value);
        break;
      case 'path':
        if (PATH_START.test(value) && !/[\r\n\t]/.test(value)) return this.wholePath(value);
        break;
      case 'version':
        return this.text(value, VERSION_CTX);
      case 'web':
        return this.text(value, WEB_CTX);
      default:
        break;
    }
    return this.text(value, NO_CTX);
  }

  // ------------------------------------------------------------ phase 2

  /** Replaces every known user, host and domain name still standing as a word. */
  private replaceKnownNames(): void {
    const pattern = this.literalPattern();
    if (!pattern) return;
    const replace = (found: string, offset: number, text: string): string => {
      if (!standsAlone(text, offset, found.includes('.')) || !wholeWordAt(text, offset, found.length))
        return found;
      const owner = this.literalOwner.get(found.toLowerCase());
      return owner ? this.registry.spell(owner, found) : found;
    };
    for (const { holder, key } of this.slots) {
      const current = (holder as Record<string | number, unknown>)[key];
      if (typeof current !== 'string' || current.length < 3) continue;
      pattern.lastIndex = 0;
      const replaced = current.replace(pattern, replace);
      if (replaced !== current) (holder as Record<string | number, unknown>)[key] = replaced;
    }
  }

  /** The phrases (`phrasesOf`) of every string this run produced. */
  private slotPhrases(): Set<string> {
    const phrases = new Set<string>();
    for (const { holder, key } of this.slots) {
      const current = (holder as Record<string | number, unknown>)[key];
      if (typeof current === 'string') phrasesOf(current, phrases);
    }
    return phrases;
  }

  private literalPattern(): RegExp | null {
    const bare: string[] = [];
    const dotted: string[] = [];
    this.literalOwner = new Map();
    for (const entity of this.shared
      ? this.registry.entitiesNamedIn(this.slotPhrases())
      : this.registry.entities()) {
      const cloud = entity.kind === 'account' || entity.kind === 'resource';
      if (entity.kind !== 'user' && entity.kind !== 'host' && entity.kind !== 'domain' && !cloud) continue;
      if (!(this.enabled(classOf(entity.kind)) || (entity.kind === 'domain' && this.enabled('url'))))
        continue;
      for (const spelling of entity.spellings) {
        if (spelling === undefined) continue;
        const lower = spelling.toLowerCase();
        // An AWS account id is all digits: replaced wherever those twelve digits stand alone.
        const named = HAS_LETTER.test(lower) || (entity.kind === 'account' && /^\d{12}$/.test(lower));
        // Two letters are a name in scripts without spaces (张伟), too little in the others.
        const shortest = SPACELESS_SCRIPT.test(lower) ? 2 : 3;
        if (lower.length < shortest || !named || /[\r\n\\]/.test(lower)) continue;
        if (LITERAL_STOP_WORDS.has(lower) || WELL_KNOWN_USERS.has(lower) || WELL_KNOWN_DOMAINS.has(lower))
          continue;
        if (WELL_KNOWN_HOSTS.has(lower) || this.allowed(spelling) || looksLikePseudonym(spelling)) continue;
        if (this.literalOwner.has(lower)) continue;
        if (!this.strong.has(entity) && !/[\d._$-]/.test(lower)) continue;
        this.literalOwner.set(lower, entity);
        (lower.includes('.') ? dotted : bare).push(spelling);
      }
    }
    if (bare.length === 0 && dotted.length === 0) return null;
    const alternatives = (list: string[]) =>
      list
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|');
    // The left boundary is checked in `standsAlone`: a lookbehind first would slow the scan.
    return new RegExp(`(?:${alternatives([...bare, ...dotted])})(?![\\w-]|\\.\\w)`, 'gi');
  }

  // ------------------------------------------------------------ scanning

  private text(source: string, ctx: Ctx): string {
    if (source.length < 2) return source;
    let text = source;
    if (this.exactPattern) text = this.scanExact(text);
    const escaped = isJsonEscaped(text);
    const scanner = !escaped
      ? this.scanners.plain
      : /\\[nrt]/.test(text)
        ? this.scanners.escaped
        : this.scanners.escapedNoEscapes;
    return this.scan(scanner, text, ctx, escaped);
  }

  private scanExact(text: string): string {
    const pattern = this.exactPattern;
    if (!pattern) return text;
    pattern.lastIndex = 0;
    return text.replace(pattern, (found: string, offset: number) => {
      if (!wholeWordAt(text, offset, found.length)) return found;
      const kind = this.exactOwner.get(found.toLowerCase());
      if (kind === 'path') return this.wholePath(found);
      if (kind === 'user') return this.userToken(found);
      if (kind === 'host') return /\s/.test(found) ? this.mask('host', found) : this.hostToken(found, true);
      return found;
    });
  }

  private scan(scanner: Scanner, source: string, ctx: Ctx, escaped: boolean): string {
    const pattern = scanner.regex;
    const trig = scanner.group.trig;
    let out = '';
    let last = 0;
    let position = 0;
    while (position < source.length) {
      pattern.lastIndex = position;
      const match = pattern.exec(source);
      if (!match) break;
      const [replacement, consumed, at] =
        match[trig] !== undefined
          ? this.token(match.index, position, source, ctx, escaped)
          : this.step(match, scanner, source, ctx, escaped);
      const start = at ?? match.index;
      const end = Math.max(start + consumed, match.index + 1);
      if (replacement !== source.slice(start, start + consumed)) {
        out += source.slice(last, start) + replacement + source.slice(start + consumed, end);
        last = end;
      }
      position = end;
    }
    return last === 0 ? source : out + source.slice(last);
  }

  private step(match: RegExpExecArray, scanner: Scanner, source: string, ctx: Ctx, escaped: boolean): Step {
    const group = scanner.group;
    const whole = match[0];
    if (match[group.url] !== undefined) {
      // LDAP://CN=…,DC=…: no host, a DN; read from the DN on.
      const scheme = whole.indexOf('://') + 3;
      if (/^[A-Za-z]{1,6}=/.test(whole.slice(scheme))) return [whole.slice(0, scheme), scheme];
      return [this.url(whole, false), whole.length];
    }
    if (match[group.dn] !== undefined) return [this.dn(whole, scanner, escaped), whole.length];
    if (match[group.arn] !== undefined) {
      const [arn, tail] = splitTrailing(whole);
      return [this.arn(arn) + tail, whole.length];
    }
    const quotedPath = match[group.qp];
    if (quotedPath !== undefined)
      return [(match[group.qq] ?? '') + this.winPath(quotedPath, escaped), whole.length];
    if (match[group.wp] !== undefined || match[group.wpb] !== undefined || match[group.fp] !== undefined) {
      const [path, tail] = splitTrailing(whole);
      return [this.winPath(path, escaped) + tail, whole.length];
    }
    if (match[group.unc] !== undefined) {
      const bs = escaped ? 4 : 2;
      const [name, tail] = splitTrailing(whole.slice(bs));
      return [whole.slice(0, bs) + this.hostToken(name, true) + tail, whole.length];
    }
    if (match[group.up] !== undefined)
      return [this.unixPathInText(whole, source, match.index, ctx), whole.length];
    if (match[group.sid] !== undefined)
      return [this.allowed(whole) ? whole : this.mask('sid', whole), whole.length];
    if (match[group.mac] !== undefined) return [this.mac(whole), whole.length];
    const end = match.index + whole.length;
    const sshPrefix = match[group.ssp];
    const sshUser = match[group.ssu];
    if (sshPrefix !== undefined && sshUser !== undefined)
      return this.sshUser(sshPrefix, sshUser, source, end, escaped);
    const suTarget = match[group.sto];
    const suUser = match[group.stu];
    if (suTarget !== undefined && suUser !== undefined)
      return this.sshUser(`(${suTarget}`, suUser, source, end, escaped);
    const stamp = match[group.slt];
    const syslogHost = match[group.slh];
    if (stamp !== undefined && syslogHost !== undefined)
      return [stamp + this.hostToken(syslogHost, true), whole.length];
    if (match[group.wh] !== undefined) return [this.hostToken(whole, true), whole.length];
    const phrase = match[group.php];
    const phraseHost = match[group.phh];
    if (phrase !== undefined && phraseHost !== undefined) {
      const hostLike =
        HAS_LETTER.test(phraseHost) &&
        /\d/.test(phraseHost) &&
        (!phraseHost.includes('.') || looksLikeDnsName(phraseHost));
      if (isIPv4(phraseHost) || hostLike) return [phrase + this.hostToken(phraseHost, true), whole.length];
      return [phrase, phrase.length];
    }
    return [whole, whole.length];
  }

  /**
   * The token around a trigger character (a dot inside it, or `@`, a
   * backslash, a key separator after it), read back to its start (never
   * before `floor`, where this scan step began) and on to its end.
   */
  private token(trigger: number, floor: number, source: string, ctx: Ctx, escaped: boolean): Step {
    const skip: Step = [source.charAt(trigger), 1, trigger];
    let keyEnd = trigger;
    const ch = source.charCodeAt(trigger);
    if (ch === 58) {
      const address = this.colonAddress(trigger, floor, source, escaped);
      if (address) return address;
      if (
        !this.scanners.telling.test(
          source.slice(Math.max(floor, trigger - 40), trigger).replace(/["'\s]|\\t/g, ''),
        )
      )
        return skip;
    }
    if (ch === 58 || ch === 61) {
      // `key": "value"`, `Key Name:\t\tvalue`: step back over blanks and a quote to the key.
      while (keyEnd > floor && (source[keyEnd - 1] === ' ' || source[keyEnd - 1] === '\t')) keyEnd--;
      while (keyEnd - 2 >= floor && source[keyEnd - 2] === '\\' && source[keyEnd - 1] === 't') keyEnd -= 2;
      if (keyEnd > floor && (source[keyEnd - 1] === '"' || source[keyEnd - 1] === "'")) keyEnd--;
    }
    const start = tokenStart(source, keyEnd, floor, escaped);
    if (start < 0) return skip;
    let end = keyEnd;
    if (ch === 46)
      while (end < source.length && end - start < 253 && isTokenChar(source.charCodeAt(end))) end++;
    const token = source.slice(start, end);
    const next = source.charCodeAt(end);
    if (next === 64) {
      const tail = this.scanners.atTail;
      tail.lastIndex = end;
      const at = tail.exec(source);
      if (at) {
        const [text, consumed] = this.atToken(token, at[1] ?? '');
        return [text, consumed, start];
      }
    } else if (next === 92 && !isPathSeparator(source.charCodeAt(start - 1))) {
      // DOMAIN\user, but not the middle of a path or registry key (…\CurrentVersion\Run\x).
      const tail = escaped ? this.scanners.userTailEscaped : this.scanners.userTailPlain;
      tail.lastIndex = end;
      const user = tail.exec(source);
      if (user) {
        const whole = token + user[0];
        return [
          this.domainUserInText(token, user[1] ?? '', user[2] ?? '', source, start),
          whole.length,
          start,
        ];
      }
    } else if (this.scanners.telling.test(token)) {
      const tail = this.scanners.valueTail;
      tail.lastIndex = end;
      const kv = tail.exec(source);
      if (kv) return this.keyValue(token, start, kv, source, ctx, escaped);
    }
    if (token.includes('.')) {
      const [text, consumed] = this.dottedToken(token, source, start, ctx);
      return [text, consumed, start];
    }
    return [token, Math.max(1, end - start), start];
  }

  /** An IPv6 address or a colon-separated MAC around a `:`, or null. */
  private colonAddress(trigger: number, floor: number, source: string, escaped: boolean): Step | null {
    let start = trigger;
    while (start > floor && trigger - start < 45 && isHexOrColon(source.charCodeAt(start - 1))) start--;
    if (start > 0 && !escapeBefore(source, start, escaped)) {
      const before = source.charCodeAt(start - 1);
      if (isTokenChar(before) && before !== 45) return null;
    }
    let end = trigger;
    while (
      end < source.length &&
      end - start < 64 &&
      (isHexOrColon(source.charCodeAt(end)) || source.charCodeAt(end) === 46)
    )
      end++;
    if (source.charCodeAt(end) === 37) {
      const zone = /%[\w.]{1,32}/y;
      zone.lastIndex = end;
      const found = zone.exec(source);
      if (found) end += found[0].length;
    }
    let candidate = source.slice(start, end);
    while (candidate.endsWith('.')) candidate = candidate.slice(0, -1);
    const after = source.charCodeAt(start + candidate.length);
    if (isTokenChar(after) && after !== 46 && after !== 45) return null;
    if (MAC_COLON.test(candidate)) return [this.mac(candidate), candidate.length, start];
    if (!candidate.includes('::') && candidate.split(':').length < 8) return null;
    let masked = this.ipv6(candidate);
    if (masked === null && candidate.endsWith(':') && !candidate.endsWith('::')) {
      candidate = candidate.slice(0, -1);
      masked = this.ipv6(candidate);
    }
    return masked === null ? null : [masked, candidate.length, start];
  }

  private domainUserInText(
    domain: string,
    separator: string,
    user: string,
    source: string,
    at: number,
  ): string {
    const before = source.slice(Math.max(0, at - 20), at);
    const words = /(?:^|[^A-Za-z])((?:[A-Za-z]+ ){1,2})$/.exec(before)?.[1] ?? '';
    for (const prefix of [words, words.slice(words.indexOf(' ') + 1)]) {
      if (prefix && WELL_KNOWN_DOMAINS.has((prefix + domain).toLowerCase())) return domain + separator + user;
    }
    if (!/^[A-Za-z0-9][\w.-]*$/.test(domain)) return domain + separator + user;
    return this.domainUser(domain, separator, user);
  }

  private atToken(local: string, after: string): Step {
    // Sentence punctuation after the domain stays outside the replaced span.
    const [domain] = splitTrailing(after);
    const consumed = local.length + 1 + domain.length;
    if (looksLikeDnsName(domain)) return [this.email(`${local}@${domain}`), consumed];
    if (isIPv4(domain)) return [`${this.userToken(local)}@${this.ipv4(domain, false)}`, consumed];
    if (HOST_NAME.test(domain) && HAS_LETTER.test(domain))
      return [`${this.userToken(local)}@${this.hostToken(domain, true)}`, consumed];
    return [local, local.length];
  }

  /** A token with a dot: an IPv4 address, a DNS name, a Cisco-style MAC, or text holding addresses. */
  private dottedToken(token: string, source: string, index: number, ctx: Ctx): Step {
    const [core, tail] = splitTrailing(token);
    if (isIPv4(core)) {
      const version = ctx.version || VERSION_BEFORE.test(source.slice(Math.max(0, index - 24), index));
      return [this.ipv4(core, version) + tail, token.length];
    }
    if (CISCO_MAC.test(core) && /[a-f]/i.test(core)) return [this.mac(core) + tail, token.length];
    if (looksLikeDnsName(core)) return [this.fqdn(core, false) + tail, token.length];
    // 10.0.0.1-10.0.0.9, host_10.0.0.5: addresses inside a longer token.
    if (/\d\.\d/.test(core)) {
      const replaced = core.replace(EMBEDDED_IPV4, (ip: string) => this.ipv4(ip, ctx.version));
      return [replaced + tail, token.length];
    }
    return [token, token.length];
  }

  private keyValue(
    key: string,
    start: number,
    tail: RegExpExecArray,
    source: string,
    ctx: Ctx,
    escaped: boolean,
  ): Step {
    let kind = this.keyKinds.of(key);
    // "Account Name:", "Workstation Name:": the word before completes the key.
    const previous =
      source.charCodeAt(start - 1) === 32
        ? /([A-Za-z]{2,20}) $/.exec(source.slice(Math.max(0, start - 21), start))?.[1]
        : undefined;
    if (previous) kind = keyKindOf(`${previous} ${key}`) ?? kind;
    const quotedValue = tail[3] ?? tail[4];
    const quoted = quotedValue !== undefined;
    // A key that says nothing, or an unquoted path (the scanner reads paths with spaces better).
    if (kind === null || (!quoted && kind === 'path')) {
      if (!key.includes('.')) return [key, key.length, start];
      const [text, consumed] = this.dottedToken(key, source, start, ctx);
      return [text, consumed, start];
    }
    let value = quotedValue ?? tail[5] ?? '';
    // `ruser= rhost=10.0.0.5`: the key is empty, what follows is the next key.
    const separator = tail[2] ?? '';
    if (!quoted && /(?:\s|\\t)$/.test(separator) && /^[A-Za-z_][\w.-]*[=:]/.test(value))
      return [key, key.length, start];
    // `TargetUserName=Domain Admins`: a built-in group, the same in every domain.
    const valueAt = start + key.length + (tail[1] ?? '').length + (tail[2] ?? '').length + (quoted ? 1 : 0);
    if (kind === 'user' && BUILTIN_GROUP.test(source.slice(valueAt, valueAt + 40)))
      return [key, key.length, start];
    const head =
      key +
      (tail[1] ?? '') +
      (tail[2] ?? '') +
      (quoted ? tail[0].charAt((tail[1] ?? '').length + (tail[2] ?? '').length) : '');
    let consumed = key.length + tail[0].length;
    let closing = quoted ? tail[0].slice(-1) : '';
    if (!quoted && (kind === 'host' || kind === 'user' || kind === 'domain')) {
      let cut = value.length;
      if (escaped) {
        const lone = LONE_BACKSLASH.exec(value);
        if (lone) cut = lone.index;
      }
      const [token] = splitTrailing(value.slice(0, cut));
      consumed -= value.length - token.length;
      value = token;
      closing = '';
    }
    return [head + this.field(value, kind) + closing, consumed, start];
  }

  private sshUser(prefix: string, user: string, source: string, end: number, escaped: boolean): Step {
    const lower = prefix.trimEnd().toLowerCase();
    if (SSH_PASSWORD_PREFIX.test(lower) && !source.startsWith(' from ', end)) return [prefix, prefix.length];
    if (lower === 'sudo:' && !source.startsWith(' : ', end)) return [prefix, prefix.length];
    let outPrefix = prefix;
    if (lower.startsWith('(to ')) {
      if (!source.startsWith(' on ', end)) return [prefix, prefix.length];
      const trimmed = prefix.trimEnd();
      outPrefix = `(to ${this.userToken(trimmed.slice(4, -1))})${prefix.slice(trimmed.length)}`;
    }
    let token = user;
    if (escaped) {
      const lone = LONE_BACKSLASH.exec(token);
      if (lone) token = token.slice(0, lone.index);
    }
    [token] = splitTrailing(token);
    if (token.length === 0 || /^(?:invalid|illegal)$/i.test(token)) return [prefix, prefix.length];
    // A login an attacker tried ("invalid user oracle") says nothing about the organisation's people.
    const guessed = /(?:invalid|illegal) user/i.test(prefix);
    return [outPrefix + this.userToken(token, guessed), prefix.length + token.length];
  }

  // ------------------------------------------------------------ tokens

  private email(address: string): string {
    if (this.allowed(address) || this.registry.isPseudonym(address)) return address;
    const asUser = this.registry.find('user', address);
    if (asUser) return this.spell(asUser, address, 'user');
    return this.mask('email', address);
  }

  private mac(value: string): string {
    const digits = value.replace(/[^0-9a-f]/gi, '').toLowerCase();
    if (/^0+$/.test(digits) || /^f+$/.test(digits) || this.allowed(value)) return value;
    return this.mask('mac', value);
  }

  private ipv4(value: string, versionContext: boolean): string {
    if (isPublicKnowledgeIPv4(value) || this.allowed(value) || this.allowed(normalizeIPv4(value)))
      return value;
    if (versionContext && !this.registry.find('ip', value)) return value;
    return this.mask('ip', value);
  }

  /** The masked address, or null when the candidate is not an IPv6 address at all. */
  private ipv6(value: string): string | null {
    const groups = expandIPv6(value);
    if (!groups) return null;
    if (isPublicKnowledgeIPv6(groups) || this.allowed(value)) return value;
    const mapped = splitMappedIPv4(value);
    if (mapped && groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff')
      return mapped.prefix + this.ipv4(mapped.ipv4, false);
    return this.mask('ip', value);
  }

  private underOrg(lower: string): boolean {
    if (this.orgDomains.size === 0) return false;
    let at = 0;
    while (at >= 0) {
      if (this.orgDomains.has(lower.slice(at))) return true;
      const dot = lower.indexOf('.', at);
      at = dot < 0 ? -1 : dot + 1;
    }
    return false;
  }

  /**
   * A DNS name. Internal ones (internal suffix, under the organisation's
   * domains, or whose first label is a known host) become HOST_n.DOMAIN_m
   * (or DOMAIN_m for a bare domain); public ones stay readable unless
   * `forced` (the name stands where a host name belongs).
   */
  private fqdn(name: string, forced: boolean): string {
    if (this.allowed(name) || this.registry.isPseudonym(name)) return name;
    const labels = name.split('.');
    if (labels.some((label) => label.length === 0)) return name;
    const known = this.registry.find('domain', name);
    if (known) return this.spell(known, name, 'domain');
    const lower = name.toLowerCase();
    const first = labels[0] ?? '';
    const internal =
      forced ||
      hasInternalSuffix(lower) ||
      this.underOrg(lower) ||
      this.registry.find('host', first) !== undefined ||
      WINDOWS_DEFAULT_HOST.test(first);
    if (!internal) return name;
    // Split into host and domain only when the first label is a machine's name (known, or
    // holding a digit or hyphen: dc01, ws-fin-014); "corp.umbrella.local" stays one domain,
    // the same pseudonym it gets as the parent of dc01.corp.umbrella.local.
    const machine =
      forced ||
      this.registry.find('host', first) !== undefined ||
      /[\d-]/.test(first) ||
      WINDOWS_DEFAULT_HOST.test(first);
    if (!machine || (labels.length === 2 && !hasInternalSuffix(lower))) return this.mask('domain', name);
    const rest = labels.slice(1).join('.');
    const restIsTld = labels.length === 2;
    const hostPart = WELL_KNOWN_HOSTS.has(first.toLowerCase())
      ? first
      : this.mask('host', first, 'host', !forced);
    const domainPart = restIsTld || this.allowed(rest) ? rest : this.mask('domain', rest);
    return `${hostPart}.${domainPart}`;
  }

  private hostToken(value: string, forced: boolean): string {
    if (!value) return value;
    if (WELL_KNOWN_HOSTS.has(value.toLowerCase()) || this.allowed(value) || this.registry.isPseudonym(value))
      return value;
    if (isIPv4(value)) return this.ipv4(value, false);
    if (value.startsWith('[') && value.endsWith(']')) {
      const inner = value.slice(1, -1);
      const masked = this.ipv6(inner);
      return masked === null ? value : `[${masked}]`;
    }
    if (value.includes(':')) {
      const address = this.ipv6(value);
      if (address !== null) return address;
      // host:port
      const port = /^(.+):(\d{1,5})$/.exec(value);
      return port ? `${this.hostToken(port[1] ?? '', forced)}:${port[2] ?? ''}` : value;
    }
    if (value.length > 1 && value.endsWith('$')) return this.hostToken(value.slice(0, -1), forced) + '$';
    if (value.includes('.')) {
      if (
        looksLikeDnsName(value) ||
        (forced && /^[\p{L}\p{N}\p{M}_-]+(?:\.[\p{L}\p{N}\p{M}_-]+)+$/u.test(value))
      )
        return this.fqdn(value, forced);
      return value;
    }
    if (HOST_NAME.test(value) && HAS_LETTER.test(value)) return this.mask('host', value);
    return value;
  }

  /** The left half of DOMAIN\user, or a value under a "domain" key. */
  private domainToken(value: string): string {
    if (!value) return value;
    const lower = value.toLowerCase();
    if (WELL_KNOWN_DOMAINS.has(lower) || this.allowed(value) || this.registry.isPseudonym(value))
      return value;
    const host = this.registry.find('host', value);
    if (host) return this.spell(host, value, 'host');
    if (WINDOWS_DEFAULT_HOST.test(value)) return this.mask('host', value);
    if (value.includes('.')) {
      if (!/^[\w-]+(?:\.[\w-]+)+$/.test(value)) return value;
      const known = this.registry.find('domain', value);
      if (known) return this.spell(known, value, 'domain');
      if (looksLikeDnsName(value)) {
        this.orgDomains.add(lower);
        this.orgDomains.add(registrableDomain(lower));
      }
      return this.mask('domain', value);
    }
    if (/^[A-Za-z0-9][\w.-]{0,62}$/.test(value) && HAS_LETTER.test(value)) return this.mask('domain', value);
    return value;
  }

  private userToken(value: string, weak = false): string {
    if (!value) return value;
    const lower = value.toLowerCase();
    if (WELL_KNOWN_USERS.has(lower) || this.allowed(value) || this.registry.isPseudonym(value)) return value;
    const slash = /\\+/.exec(value);
    if (slash) {
      const domain = value.slice(0, slash.index);
      const user = value.slice(slash.index + slash[0].length);
      if (domain && user && !user.includes('\\')) return this.domainUser(domain, slash[0], user);
      return this.text(value, NO_CTX);
    }
    const at = value.indexOf('@');
    if (at > 0) {
      const domain = value.slice(at + 1);
      if (looksLikeDnsName(domain)) {
        const asEmail = this.registry.find('email', value);
        if (asEmail) return this.spell(asEmail, value, 'email');
        return this.mask('user', value);
      }
      if (domain && !domain.includes('@'))
        return `${this.userToken(value.slice(0, at))}@${this.hostToken(domain, true)}`;
    }
    if (value.length > 1 && value.endsWith('$') && !/\s/.test(value))
      return this.hostToken(value.slice(0, -1), true) + '$';
    if (HAS_LETTER.test(value) && value.length <= 104 && !/[\r\n\t]/.test(value))
      return this.mask('user', value, 'user', weak);
    return value;
  }

  private domainUser(domain: string, separator: string, user: string): string {
    const domainLower = domain.toLowerCase();
    if (NOT_A_DOMAIN.has(domainLower)) return domain + separator + user;
    const [name, tail] = splitTrailing(user);
    const dot = name.lastIndexOf('.');
    if (dot > 0 && FILE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase())) return domain + separator + user;
    if (this.allowed(domain + separator + name) || this.allowed(domain + '\\' + name))
      return domain + separator + user;
    if (WELL_KNOWN_DOMAINS.has(domainLower)) {
      // NT AUTHORITY\..., NT SERVICE\<service>, Window Manager\DWM-1: the same on every machine.
      if (domainLower !== 'workgroup' && domainLower !== 'builtin') return domain + separator + user;
      return domain + separator + this.userToken(name) + tail;
    }
    return this.domainToken(domain) + separator + this.userToken(name) + tail;
  }

  /**
   * An LDAP distinguished name that names a directory entry (it has a DC or
   * UID part; a certificate subject, CN=…,O=…,C=…, is left to the other
   * patterns). A CN is a machine when it looks like one (a known host, a
   * digit, a `$`, or under a Computers / Servers / Workstations / Domain
   * Controllers container), else a person; UID is a person; the run of DC
   * parts is the domain, as the same entity as its dotted name (spelled
   * `DC=Domain_1`, so unmask restores `DC=corp,DC=acme` exactly); OU, O, L,
   * ST, C and the directory's own containers (`CN=Users`, `CN=System`) stay.
   */
  private dn(whole: string, scanner: Scanner, escaped: boolean): string {
    const parts = splitDn(whole, escaped);
    // The DN is consumed whole (so a long one is read once); the values that stay are still
    // scanned like any text (an address or an internal name in a certificate subject).
    const directory = parts.some((p) => p.attr === 'dc' || p.attr === 'uid');
    const machines = parts.some(
      (p) => (p.attr === 'ou' || p.attr === 'cn') && MACHINE_CONTAINER.test(p.value),
    );
    let out = '';
    let last = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as DnPart;
      let masked: string;
      let end = part.end;
      if (part.attr === 'dc') {
        let j = i;
        while (j + 1 < parts.length && parts[j + 1]?.attr === 'dc') j++;
        end = (parts[j] as DnPart).end;
        masked = this.dcRun(
          whole.slice(part.start, end),
          parts.slice(i, j + 1).map((p) => p.value),
        );
        i = j;
      } else if (directory && part.attr === 'cn') masked = this.dnName(part.value, i === 0 && machines);
      else if (directory && part.attr === 'uid') masked = this.dnName(part.value, false, true);
      else masked = this.scan(scanner, part.value, NO_CTX, escaped);
      out += whole.slice(last, part.start) + masked;
      last = end;
    }
    return out + whole.slice(last);
  }

  private dnName(value: string, machine: boolean, person = false): string {
    const lower = value.toLowerCase();
    if (this.allowed(value) || this.registry.isPseudonym(value)) return value;
    if (WELL_KNOWN_USERS.has(lower) || AD_CONTAINERS.has(lower) || BUILTIN_GROUP.test(value)) return value;
    if (/^\{?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\}?$/i.test(value)) return value;
    if (/^S-1-(?:5-21|12-1)(?:-\d{1,10}){2,5}$/i.test(value)) return this.mask('sid', value);
    if (!/[A-Za-z]/.test(value)) return value;
    const host =
      !person &&
      (machine ||
        value.endsWith('$') ||
        this.registry.find('host', value) !== undefined ||
        WINDOWS_DEFAULT_HOST.test(value) ||
        (HOST_NAME.test(value) && /\d/.test(value)) ||
        (value.includes('.') && looksLikeDnsName(value)));
    if (host && !/[\s\\]/.test(value)) return this.hostToken(value, true);
    return this.mask('user', value);
  }

  /** `corp,DC=acme,DC=com` (after the first `DC=`): the domain corp.acme.com in its DN spelling. */
  private dcRun(text: string, labels: string[]): string {
    const dotted = labels.join('.');
    const lower = dotted.toLowerCase();
    if (!this.enabled('domain') || this.allowed(dotted) || WELL_KNOWN_DOMAINS.has(lower)) return text;
    if (labels.length > 1) {
      this.orgDomains.add(lower);
      this.orgDomains.add(registrableDomain(lower));
    }
    if (this.registry.isPseudonym(dotted)) return text;
    const { entity } = this.registry.resolve('domain', dotted);
    this.strong.add(entity);
    return this.registry.spell(entity, text);
  }

  /**
   * An ARN: the partition, service, region and resource type stay; the
   * account id becomes ACCOUNT_n, the user of an IAM user / STS session
   * USER_n, every other resource name RESOURCE_n. AWS-managed ARNs
   * (`arn:aws:iam::aws:policy/…`) stay whole.
   */
  private arn(arn: string): string {
    const match = /^(arn:[\w-]+:([\w-]+):[\w-]*:)(\d{12}|aws)?:(.*)$/i.exec(arn);
    if (!match || this.allowed(arn)) return arn;
    const account = match[3] ?? '';
    if (account.toLowerCase() === 'aws') return arn;
    const head = match[1] ?? '';
    const masked = account ? this.mask('account', account, 'cloud') : '';
    return `${head}${masked}:${this.arnResource((match[2] ?? '').toLowerCase(), match[4] ?? '')}`;
  }

  private arnResource(service: string, resource: string): string {
    if (resource === '*' || resource === 'root') return resource;
    let type = '';
    let id = resource;
    // `user/jdoe`, `function:name`: the type stays. An S3 ARN starts with the bucket.
    const cut = service === 's3' ? -1 : resource.search(/[/:]/);
    if (cut > 0) {
      type = resource.slice(0, cut + 1);
      id = resource.slice(cut + 1);
    }
    const kind = type.slice(0, -1).toLowerCase();
    const segments = id.split(/([/:])/);
    const lastName = segments.length - 1;
    const person = kind === 'user' || kind === 'federated-user' || (kind === 'assumed-role' && lastName >= 2);
    const out = segments.map((segment, i) => {
      if (i % 2 === 1 || segment === '' || segment === '*' || /^(?:\$LATEST|\d{1,6})$/.test(segment))
        return segment;
      if (person && i === lastName) return this.userToken(segment);
      return this.mask('resource', segment, 'cloud');
    });
    return type + out.join('');
  }

  private url(value: string, forced: boolean): string {
    const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(?:([^@]*)@)?(\[[^\]]*\]|[^:]*)(:\d+)?$/.exec(value);
    if (!match) return value;
    const scheme = match[1] ?? '';
    const userinfo = match[2];
    let host = match[3] ?? '';
    const port = match[4] ?? '';
    let tail = '';
    if (!port) [host, tail] = splitTrailing(host);
    let who = '';
    if (userinfo !== undefined) {
      // user:password@ — the password was redacted in phase 0 (SECRET_n); the user is a user.
      const colon = userinfo.indexOf(':');
      const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
      const rest = colon < 0 ? '' : userinfo.slice(colon);
      who = `${user.length > 0 ? this.userToken(user) : ''}${rest}@`;
    }
    return scheme + who + this.urlHost(host, forced) + port + tail;
  }

  private urlHost(host: string, forced: boolean): string {
    if (!host || this.allowed(host) || WELL_KNOWN_HOSTS.has(host.toLowerCase())) return host;
    if (host.startsWith('[')) {
      const masked = this.ipv6(host.slice(1, -1));
      return masked === null ? host : `[${masked}]`;
    }
    if (isIPv4(host)) return this.ipv4(host, false);
    if (!host.includes('.')) return this.hostToken(host, true);
    if (!looksLikeDnsName(host)) return host;
    const masked = this.fqdn(host, false);
    if (masked !== host) return masked;
    // A public host: masked as a whole when URLs are a masked class (or the URL is an incident entity).
    if (this.enabled('url') || (forced && this.enabled('domain')))
      return this.mask('domain', host, this.enabled('url') ? 'url' : 'domain', !forced);
    return host;
  }

  // ------------------------------------------------------------ paths

  private wholePath(path: string): string {
    if (path.startsWith('/')) return this.unixPath(path);
    return this.winPath(path, isJsonEscaped(path));
  }

  /**
   * A Windows path (drive, \Device\HarddiskVolumeN, UNC). System locations
   * stay readable; anything else becomes PATH_n with its extension kept
   * (PATH_3.exe). The profile's user and a UNC server are registered as
   * USER/HOST, so the same names are masked wherever else they appear.
   */
  private winPath(path: string, escaped: boolean): string {
    if (this.allowed(path) || this.registry.isPseudonym(path)) return path;
    const parts = path.split(/[\\/]+/);
    const leadingSlashes = /^[\\/]*/.exec(path)?.[0] ?? '';
    let rel: string[];
    let server: string | undefined;
    let share: string | undefined;
    if (/^[A-Za-z]:$/.test(parts[0] ?? '')) rel = parts.slice(1);
    else if ((parts[1] ?? '').toLowerCase() === 'device') rel = parts.slice(3);
    else if (leadingSlashes.length >= 2) {
      server = parts[1];
      share = parts[2];
      rel = parts.slice(3);
    } else rel = parts.slice(1);
    rel = rel.filter((segment, i) => segment.length > 0 || i < rel.length - 1);

    let user: string | undefined;
    for (let i = 0; i + 1 < rel.length; i++) {
      const segment = (rel[i] ?? '').toLowerCase();
      if (segment === 'users' || segment === 'documents and settings') {
        const candidate = rel[i + 1] ?? '';
        if (candidate && !PUBLIC_PROFILES.has(candidate.toLowerCase())) user = candidate;
        break;
      }
    }
    const root = (rel[0] ?? '').toLowerCase();
    const second = (rel[1] ?? '').toLowerCase();
    let visible: boolean;
    if (server !== undefined) {
      if (server === '.' || server === '?') return path;
      visible =
        SYSTEM_SHARE.test(share ?? '') ||
        (DRIVE_SHARE.test(share ?? '') && (rel.length === 0 || WINDOWS_SYSTEM_ROOTS.has(root)));
    } else {
      visible =
        rel.length === 0 ||
        root === '' ||
        WINDOWS_SYSTEM_ROOTS.has(root) ||
        (root === 'users' && (rel.length === 1 || PUBLIC_PROFILES.has(second)));
    }
    if (visible || !this.enabled('path')) return this.inPlace(path, leadingSlashes, server, user, escaped);
    if (user !== undefined && this.enabled('user')) this.userToken(user);
    if (server !== undefined) this.hostToken(server, true);
    const last = parts[parts.length - 1] ?? '';
    const dot = last.lastIndexOf('.');
    const ext = dot > 0 && /^[A-Za-z0-9]{1,8}$/.test(last.slice(dot + 1)) ? last.slice(dot) : '';
    return this.mask('path', path.slice(0, path.length - ext.length)) + ext;
  }

  /** A readable path with only its server, profile user and embedded addresses masked. */
  private inPlace(
    path: string,
    leadingSlashes: string,
    server: string | undefined,
    user: string | undefined,
    escaped: boolean,
  ): string {
    let out = path;
    if (server !== undefined) {
      const after = leadingSlashes.length + server.length;
      out = leadingSlashes + this.hostToken(server, true) + path.slice(after);
    }
    if (user !== undefined) {
      const profile = new RegExp(
        `((?:^|[\\\\/])(?:Users|Documents and Settings)(?:\\\\{1,2}|/))(${escapeRegExp(user)})(?=[\\\\/]|$)`,
        'i',
      );
      out = out.replace(profile, (_m: string, head: string, name: string) => head + this.userToken(name));
    }
    return this.scan(this.scanners.inner, out, NO_CTX, escaped);
  }

  private unixPathInText(token: string, source: string, index: number, ctx: Ctx): string {
    if (ctx.web || HTTP_METHOD_BEFORE.test(source.slice(Math.max(0, index - 12), index))) return token;
    const [path, tail] = splitTrailing(token);
    return this.unixPath(path) + tail;
  }

  private unixPath(path: string): string {
    if (this.allowed(path) || this.registry.isPseudonym(path)) return path;
    const segments = path.split('/').slice(1);
    const root = segments[0] ?? '';
    if (root.length < 2) return path;
    let userAt = -1;
    if (root === 'home' || root === 'Users' || root === 'media') userAt = 1;
    else if (root === 'run' && segments[1] === 'media') userAt = 2;
    else if (root === 'export' && segments[1] === 'home') userAt = 2;
    else if (root === 'var' && segments[1] === 'mail') userAt = 2;
    else if (root === 'var' && segments[1] === 'spool' && segments[2] === 'mail') userAt = 3;
    else if (
      root === 'var' &&
      segments[1] === 'spool' &&
      segments[2] === 'cron' &&
      segments[3] === 'crontabs'
    )
      userAt = 4;
    const candidate = userAt > 0 ? (segments[userAt] ?? '') : '';
    const user =
      candidate &&
      !PUBLIC_PROFILES.has(candidate.toLowerCase()) &&
      !WELL_KNOWN_USERS.has(candidate.toLowerCase())
        ? candidate
        : undefined;
    const visible =
      user === undefined &&
      UNIX_SYSTEM_ROOTS.has(root) &&
      !(root === 'var' && UNIX_VAR_PRIVATE.has(segments[1] ?? ''));
    if (visible) return this.scan(this.scanners.inner, path, NO_CTX, false);
    if (!this.enabled('path')) {
      if (user === undefined) return this.scan(this.scanners.inner, path, NO_CTX, false);
      const masked = segments.map((segment, i) => (i === userAt ? this.userToken(segment) : segment));
      return this.scan(this.scanners.inner, '/' + masked.join('/'), NO_CTX, false);
    }
    if (user !== undefined && this.enabled('user')) this.userToken(user);
    const last = segments[segments.length - 1] ?? '';
    const dot = last.lastIndexOf('.');
    const ext = dot > 0 && /^[A-Za-z0-9]{1,8}$/.test(last.slice(dot + 1)) ? last.slice(dot) : '';
    return this.mask('path', path.slice(0, path.length - ext.length)) + ext;
  }
}
