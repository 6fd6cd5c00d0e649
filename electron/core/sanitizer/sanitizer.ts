/**
 * The sanitizer. Every egress of incident data (the LLM always, chat channels
 * unless set to show real values) goes through `mask`; `unmask` restores real
 * values in what comes back. Users, hosts, domains, addresses, paths,
 * e-mails, MACs, SIDs, LDAP DNs and ARNs become per-incident pseudonyms
 * (HOST_1, USER_2, PATH_3.exe, ACCOUNT_1 ...); credentials become SECRET_n,
 * which is never restored; hashes, MITRE and CVE ids, severities,
 * timestamps and versions stay readable. The rules are in README.md next to
 * this file.
 */
import type { Entities } from '../../../shared/domain';
import { KeyKinds, MASK_CLASSES, MaskRun, type MaskClass } from './masker';
import { buildScanners, type Scanners } from './patterns';
import { PREFIX, PSEUDONYM_SOURCE, Registry, unmaskText, type PseudonymMap } from './registry';
import { SecretRedactor } from './secrets';

export type { PseudonymMap } from './registry';
export { MASK_CLASSES, type MaskClass } from './masker';

export interface SanitizerSettings {
  enabled: boolean;
  /**
   * Classes to mask (empty = all): user, host, ip, path, email, mac, sid,
   * url, domain, cloud, secret. Credentials (`secret`) are redacted whatever
   * the list says.
   */
  classes: string[];
  /** Values never masked (exact, case-insensitive), e.g. public threat indicators. */
  allow: string[];
}

export interface Sanitized<T> {
  value: T;
  map: PseudonymMap;
}

/** See `Sanitizer.session`. */
export interface MaskSession {
  /** Grows with every call; never renumbered. */
  readonly map: PseudonymMap;
  /** @throws TypeError when `value` contains itself. */
  mask<T>(value: T, known?: Entities): T;
}

export class Sanitizer {
  private readonly scanners: Scanners = buildScanners();
  private readonly pseudonyms = new RegExp(PSEUDONYM_SOURCE, 'gi');
  private readonly keyKinds = new KeyKinds();

  constructor(private readonly settings: () => SanitizerSettings) {}

  /**
   * A sanitizer that masks even when `enabled` is off, with the configured
   * classes and allow-list: for the LLM and for whatever an analyst asks to
   * see or take out masked (detail, export, report). `enabled` governs chat
   * channels only (DESIGN.md §2).
   */
  static alwaysOn(settings: () => SanitizerSettings): Sanitizer {
    return new Sanitizer(() => ({ ...settings(), enabled: true }));
  }

  /**
   * Masks every string inside `value` (deeply, keys kept), first seeding the
   * incident's known entities so they are replaced wherever they appear.
   * Passing an existing `map` keeps pseudonyms consistent across calls for one
   * incident: the map is extended in place (and returned), never renumbered.
   * With the sanitizer disabled only credentials are redacted (as
   * `redactSecrets` does); everything else comes back as it is.
   *
   * @throws TypeError when `value` contains itself.
   */
  mask<T>(value: T, known?: Entities, map?: PseudonymMap): Sanitized<T> {
    const target = map ?? {};
    const settings = this.settings();
    if (!settings.enabled) return { value: this.redactSecrets(value), map: target };
    const run = new MaskRun(this.scanners, this.keyKinds, settings, target);
    run.reserveLookalikes(value);
    if (known) run.seed(known);
    return { value: run.maskValue(value) as T, map: target };
  }

  /**
   * Several mask calls with one pseudonym map, for a document that shows
   * their values side by side (a shift report): a host is HOST_3 in every
   * one. Each call masks as `mask` does alone, its own `known` entities
   * seeded; the numbering is shared, and a real value an earlier call
   * revealed is masked wherever the scanners find it later. The map is read
   * once for the session, not once per call: re-reading it per call (and a
   * bare-word matcher of every name so far) made a report of 5,000 incidents
   * take 100 s.
   */
  session(): MaskSession {
    const map: PseudonymMap = {};
    const registry = new Registry(map);
    return {
      map,
      mask: <T>(value: T, known?: Entities): T => {
        const settings = this.settings();
        if (!settings.enabled) return this.redactSecrets(value);
        const run = new MaskRun(this.scanners, this.keyKinds, settings, registry);
        run.reserveLookalikes(value);
        if (known) run.seed(known);
        return run.maskValue(value) as T;
      },
    };
  }

  /**
   * Only the credentials of `value` (passwords, tokens, keys in command
   * lines, connection strings, headers) replaced by SECRET_n, whatever the
   * settings say; the rest, and any subtree without a credential, is
   * returned as it is. For an egress that shows real values (a chat channel
   * with masking off): a victim's password is never sent anywhere.
   *
   * @throws TypeError when `value` contains itself.
   */
  redactSecrets<T>(value: T): T {
    return new SecretRedactor(this.scanners.secrets).redactDeep(value) as T;
  }

  /**
   * Puts real values back into text that names pseudonyms: `HOST_1`,
   * `host_1`, `**HOST_1**`, `HOST\_1` all work, and `HOST_12` is never read
   * as `HOST_1`. Unknown pseudonyms are left as written.
   */
  unmask(text: string, map: PseudonymMap): string {
    return unmaskText(text, map, this.pseudonyms);
  }

  /** `unmask` applied to every string inside `value` (keys kept, a new value returned). */
  unmaskDeep<T>(value: T, map: PseudonymMap): T {
    return this.unmaskAny(value, map) as T;
  }

  private unmaskAny(value: unknown, map: PseudonymMap): unknown {
    if (typeof value === 'string') return this.unmask(value, map);
    if (Array.isArray(value)) return value.map((item: unknown) => this.unmaskAny(item, map));
    if (value !== null && typeof value === 'object') {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return value;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        Object.defineProperty(out, key, {
          value: this.unmaskAny(item, map),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return value;
  }
}

/**
 * The map without extra letter-case spellings (`host_1`), for showing an
 * analyst which pseudonym stands for what.
 */
export function canonicalPseudonyms(map: PseudonymMap): PseudonymMap {
  const prefixes = new Set(Object.values(PREFIX));
  const out: PseudonymMap = {};
  for (const [pseudonym, real] of Object.entries(map)) {
    const prefix = pseudonym.slice(0, pseudonym.lastIndexOf('_'));
    if (prefixes.has(prefix)) out[pseudonym] = real;
  }
  return out;
}

/** True when `cls` names a class the settings may list. */
export function isMaskClass(cls: string): cls is MaskClass {
  return (MASK_CLASSES as readonly string[]).includes(cls);
}
