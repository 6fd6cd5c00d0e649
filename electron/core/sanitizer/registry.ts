/**
 * The pseudonym registry of one masking run, rebuilt from (and writing into)
 * the incident's PseudonymMap, which is the only state kept between calls.
 *
 * Numbering: one counter per class (HOST_1, HOST_2, USER_1, IP_1 ...), taken
 * from the highest number already in the map, so a map passed in is extended
 * and never renumbered.
 *
 * Spellings: hosts, users, e-mails, domains and Windows paths are compared
 * case-insensitively, so `WS-FIN-014` and `ws-fin-014` are one entity. To
 * still restore each exact spelling, the second, third ... spelling of an
 * entity gets the same pseudonym in another letter case (`HOST_1`, `host_1`,
 * `Host_1`, up to eight); unmask prefers the exact case and falls back to the
 * first spelling. The same mechanism keeps a JSON-escaped path
 * (`C:\\Users\\...` inside a raw body) distinct from its plain spelling.
 */
import { normalizeIPv4, normalizeIPv6 } from './net';

export type PseudonymMap = Record<string, string>;

/** What a pseudonym stands for; each kind has its own prefix and counter. */
export type Kind =
  'user' | 'host' | 'domain' | 'ip' | 'path' | 'email' | 'mac' | 'sid' | 'account' | 'resource';

export const PREFIX: Readonly<Record<Kind, string>> = {
  user: 'USER',
  host: 'HOST',
  domain: 'DOMAIN',
  ip: 'IP',
  path: 'PATH',
  email: 'EMAIL',
  mac: 'MAC',
  sid: 'SID',
  account: 'ACCOUNT',
  resource: 'RESOURCE',
};

const KIND_OF_PREFIX = new Map<string, Kind>(
  (Object.entries(PREFIX) as [Kind, string][]).map(([kind, prefix]) => [prefix, kind]),
);

const MAX_SPELLINGS = 8;

/** Letter-case patterns of a prefix, most readable first: HOST, host, Host, then the rest. */
function casePatterns(prefix: string): string[] {
  const upper = prefix.toUpperCase();
  const lower = prefix.toLowerCase();
  const out = [upper, lower, upper.slice(0, 1) + lower.slice(1)];
  for (let bits = 0; bits < 1 << prefix.length && out.length < MAX_SPELLINGS; bits++) {
    let spelled = '';
    for (let i = 0; i < prefix.length; i++) spelled += bits & (1 << i) ? lower[i] : upper[i];
    if (!out.includes(spelled)) out.push(spelled);
  }
  return out.slice(0, MAX_SPELLINGS);
}

const PATTERNS = new Map<string, string[]>(
  Object.values(PREFIX).map((prefix) => [prefix, casePatterns(prefix)]),
);

function patternsOf(prefix: string): string[] {
  return PATTERNS.get(prefix) ?? [prefix];
}

/**
 * A token shaped like one of our pseudonyms (any case, optional
 * markdown-escaped underscore). Callers check the character before it with
 * `pseudonymStartsHere` (a lookbehind first would slow the scan down).
 */
export const PSEUDONYM_SOURCE = String.raw`(HOST|USER|DOMAIN|IP|PATH|EMAIL|MAC|SID|ACCOUNT|RESOURCE)(\\?_)(\d{1,9})(?!\d)`;

/**
 * True when a pseudonym-shaped token at `index` stands on its own: not glued
 * to a letter or digit before it, except the letter of a JSON escape (`\tHOST_1`).
 */
export function pseudonymStartsHere(text: string, index: number): boolean {
  if (index === 0) return true;
  const before = text.charCodeAt(index - 1);
  const alnum =
    (before >= 48 && before <= 57) || (before >= 65 && before <= 90) || (before >= 97 && before <= 122);
  if (!alnum) return true;
  return (
    index >= 2 &&
    text.charCodeAt(index - 2) === 92 &&
    'nrtbf'.includes(text.charAt(index - 1)) &&
    (index < 3 || text.charCodeAt(index - 3) !== 92)
  );
}

const PSEUDONYM_EXACT = /^(HOST|USER|DOMAIN|IP|PATH|EMAIL|MAC|SID|ACCOUNT|RESOURCE)_\d{1,9}$/i;

/** True when `text` is exactly a pseudonym-shaped token. */
export function looksLikePseudonym(text: string): boolean {
  return PSEUDONYM_EXACT.test(text);
}

/**
 * The comparison key of a real value: what makes two spellings one entity.
 * Windows paths ignore case and the doubling of backslashes by JSON; Unix
 * paths compare exactly.
 */
export function normalize(kind: Kind, real: string): string {
  switch (kind) {
    case 'ip':
      return real.includes(':') ? (normalizeIPv6(real) ?? real.toLowerCase()) : normalizeIPv4(real);
    case 'mac':
      return real.replace(/[^0-9a-f]/gi, '').toLowerCase();
    case 'sid':
      return real.toUpperCase();
    case 'path':
      return real.startsWith('/') ? real : real.replace(/[\\/]+/g, '\\').toLowerCase();
    case 'user':
      // `CN=Doe\, Jane` in a DN, `CN=Doe\\, Jane` in a JSON-escaped body: one person.
      return real.toLowerCase().replace(/\\\\/g, '\\');
    case 'domain':
      // DC=corp,DC=acme,DC=com in an LDAP DN is the domain corp.acme.com, in another spelling.
      return real.toLowerCase().replace(/\s*,\s*dc=/g, '.');
    default:
      return real.toLowerCase();
  }
}

export interface Entity {
  kind: Kind;
  n: number;
  /** Index = case pattern of the pseudonym; the first is the canonical spelling. */
  spellings: (string | undefined)[];
}

/** How many leading words of a name decide where it may stand (see `phrasesOf`). */
const KEY_WORDS = 6;

/** The words of a text: runs of ASCII letters and digits, lower-cased. */
function wordsIn(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/** A name's key: its first KEY_WORDS words, space-separated ('' for a name without any). */
function nameKey(spelling: string): string {
  return wordsIn(spelling).slice(0, KEY_WORDS).join(' ');
}

/**
 * Every run of 1 to KEY_WORDS consecutive words of `text`, space-separated,
 * added to `into`. A known name can only stand in a text as a whole name if
 * its words stand there in a row, so its key is one of these.
 */
export function phrasesOf(text: string, into: Set<string> = new Set()): Set<string> {
  addPhrases(wordsIn(text), into);
  // A name may also stand right after a JSON escape (`\tjdoe`): the text read with escapes as spaces too.
  if (/\\[nrt]/.test(text)) addPhrases(wordsIn(text.replace(/\\[nrt]/g, ' ')), into);
  return into;
}

function addPhrases(words: readonly string[], into: Set<string>): void {
  for (let i = 0; i < words.length; i++) {
    let phrase = words[i]!;
    into.add(phrase);
    for (let j = i + 1; j < words.length && j < i + KEY_WORDS; j++) {
      phrase = `${phrase} ${words[j]!}`;
      into.add(phrase);
    }
  }
}

export class Registry {
  private readonly byKey = new Map<string, Entity>();
  private readonly byNumber = new Map<string, Entity>();
  private readonly counters = new Map<Kind, number>();
  /** kind + real spelling -> entity and pseudonym, so a value seen again costs one lookup. */
  private readonly resolved = new Map<Kind, Map<string, { entity: Entity; pseudonym: string }>>();
  private readonly reserved = new Map<Kind, Set<number>>();
  /** Entities by the keys of their spellings (see `phrasesOf`), to find the names a text may hold. */
  private readonly byKeyOf = new Map<string, Set<Entity>>();

  constructor(readonly map: PseudonymMap) {
    for (const [pseudonym, real] of Object.entries(map)) {
      const match = /^([A-Za-z]+)_(\d{1,9})$/.exec(pseudonym);
      if (!match || typeof real !== 'string') continue;
      const written = match[1] ?? '';
      const kind = KIND_OF_PREFIX.get(written.toUpperCase());
      if (!kind) continue;
      const variant = patternsOf(PREFIX[kind]).indexOf(written);
      if (variant < 0) continue;
      const n = Number(match[2]);
      let entity = this.byNumber.get(`${kind}:${n}`);
      if (!entity) {
        entity = { kind, n, spellings: [] };
        this.byNumber.set(`${kind}:${n}`, entity);
      }
      const key = `${kind}:${normalize(kind, real)}`;
      if (!this.byKey.has(key)) this.byKey.set(key, entity);
      entity.spellings[variant] = real;
      this.indexSpelling(entity, real);
      if (n > (this.counters.get(kind) ?? 0)) this.counters.set(kind, n);
    }
  }

  /** The entity a real value already has, if any. */
  find(kind: Kind, real: string): Entity | undefined {
    return this.byKey.get(`${kind}:${normalize(kind, real)}`);
  }

  /** True when `text` is a pseudonym this map already holds (so it is never masked again). */
  isPseudonym(text: string): boolean {
    return looksLikePseudonym(text) && Object.prototype.hasOwnProperty.call(this.map, text);
  }

  /**
   * Keeps `n` free in `kind`'s numbering: the text being masked already
   * holds a token shaped like that pseudonym (a variable named host_3), which
   * unmask would otherwise turn into a real value.
   */
  reserve(kind: Kind, n: number): void {
    if (this.byNumber.has(`${kind}:${n}`)) return;
    let numbers = this.reserved.get(kind);
    if (!numbers) this.reserved.set(kind, (numbers = new Set()));
    numbers.add(n);
  }

  /**
   * The entity of a real value and its pseudonym, creating the entity (next
   * free number of its class) or a new spelling of it as needed, and
   * recording it in the map.
   */
  resolve(kind: Kind, real: string): { entity: Entity; pseudonym: string } {
    let resolved = this.resolved.get(kind);
    if (!resolved) {
      resolved = new Map<string, { entity: Entity; pseudonym: string }>();
      this.resolved.set(kind, resolved);
    }
    const cached = resolved.get(real);
    if (cached !== undefined) return cached;
    const key = `${kind}:${normalize(kind, real)}`;
    let entity = this.byKey.get(key);
    if (!entity) {
      let n = (this.counters.get(kind) ?? 0) + 1;
      const reserved = this.reserved.get(kind);
      while (reserved?.has(n)) n++;
      this.counters.set(kind, n);
      entity = { kind, n, spellings: [] };
      this.byKey.set(key, entity);
      this.byNumber.set(`${kind}:${n}`, entity);
    }
    const result = { entity, pseudonym: this.spell(entity, real) };
    resolved.set(real, result);
    return result;
  }

  /** The pseudonym for a real value (see `resolve`); a pseudonym of this map stays as it is. */
  pseudonym(kind: Kind, real: string): string {
    if (this.isPseudonym(real)) return real;
    return this.resolve(kind, real).pseudonym;
  }

  /**
   * The pseudonym spelling for `real` as one spelling of `entity`. The first
   * spelling gets the upper-case pseudonym; a later one the free letter case
   * closest to its own (`J.Smith` -> `User_1`, `srv01` -> `host_2`).
   */
  spell(entity: Entity, real: string): string {
    const patterns = patternsOf(PREFIX[entity.kind]);
    let variant = entity.spellings.indexOf(real);
    if (variant < 0) {
      variant = entity.spellings[0] === undefined ? 0 : this.freeVariant(entity, real, patterns.length);
      if (variant < 0) {
        // Out of case patterns: restore the first spelling (same entity, other letter case).
        variant = 0;
      } else {
        entity.spellings[variant] = real;
        this.indexSpelling(entity, real);
        this.map[`${patterns[variant] ?? PREFIX[entity.kind]}_${entity.n}`] = real;
      }
    }
    return `${patterns[variant] ?? PREFIX[entity.kind]}_${entity.n}`;
  }

  private freeVariant(entity: Entity, real: string, count: number): number {
    const upper = !/[a-z]/.test(real);
    const lower = !/[A-Z]/.test(real);
    const preferred = upper ? [0, 2, 1] : lower ? [1, 2, 0] : [2, 0, 1];
    for (let i = 3; i < count; i++) preferred.push(i);
    return preferred.find((i) => i < count && entity.spellings[i] === undefined) ?? -1;
  }

  /** Every entity, for building the literal matcher of known values. */
  entities(): IterableIterator<Entity> {
    return this.byNumber.values();
  }

  /**
   * The entities that may be named in a text with these `phrasesOf`: those
   * with a spelling whose key is among them (or that has no key). Names
   * sharing a prefix (ws-0001 … ws-5000) have different keys, so a text
   * naming one of them does not bring in the others.
   */
  entitiesNamedIn(phrases: ReadonlySet<string>): Set<Entity> {
    const found = new Set(this.byKeyOf.get('') ?? []);
    for (const phrase of phrases) for (const entity of this.byKeyOf.get(phrase) ?? []) found.add(entity);
    return found;
  }

  private indexSpelling(entity: Entity, spelling: string): void {
    const key = nameKey(spelling);
    let entities = this.byKeyOf.get(key);
    if (!entities) this.byKeyOf.set(key, (entities = new Set()));
    entities.add(entity);
  }
}

/**
 * Replaces pseudonyms in `text` with real values. The exact spelling wins,
 * then the canonical (upper-case) one, then any spelling of the entity, so a
 * model writing `host_1`, `Host_1` or `HOST\_1` still gets the real value;
 * `HOST_12` is never read as `HOST_1` followed by `2`.
 */
export function unmaskText(text: string, map: PseudonymMap, pattern: RegExp): string {
  if (text.length === 0) return text;
  pattern.lastIndex = 0;
  return text.replace(
    pattern,
    (whole: string, prefix: string, _sep: string, digits: string, offset: number) => {
      if (!pseudonymStartsHere(text, offset)) return whole;
      const exact = map[`${prefix}_${digits}`];
      if (typeof exact === 'string') return exact;
      for (const variant of patternsOf(prefix.toUpperCase())) {
        const real = map[`${variant}_${digits}`];
        if (typeof real === 'string') return real;
      }
      return whole;
    },
  );
}
