/**
 * The sanitizer: being written. Every egress of incident data (the LLM always,
 * chat channels unless set to show real values) goes through `mask`; `unmask`
 * restores real values in what comes back. Until it exists, masking refuses
 * rather than let real values out.
 */
import type { Entities } from '../../../shared/domain';

export interface SanitizerSettings {
  enabled: boolean;
  /** Classes to mask (empty = all): user, host, ip, path, email, mac, sid, url, domain. */
  classes: string[];
  /** Values never masked (exact, case-insensitive), e.g. public threat indicators. */
  allow: string[];
}

/** Pseudonym -> real value, kept locally per incident (HOST_1 -> WS-FIN-014.corp.example.com). */
export type PseudonymMap = Record<string, string>;

export interface Sanitized<T> {
  value: T;
  map: PseudonymMap;
}

export class Sanitizer {
  constructor(private readonly settings: () => SanitizerSettings) {}

  /**
   * Masks every string inside `value` (deeply, keys kept), first seeding the
   * incident's known entities so they are replaced wherever they appear.
   * Passing an existing `map` keeps pseudonyms consistent across calls for one incident.
   */
  mask<T>(_value: T, _known?: Entities, _map?: PseudonymMap): Sanitized<T> {
    void this.settings;
    throw new Error('the sanitizer is not available in this version yet');
  }

  /** Puts real values back into text that names pseudonyms. */
  unmask(text: string, map: PseudonymMap): string {
    let out = text;
    for (const [pseudonym, real] of Object.entries(map)) out = out.split(pseudonym).join(real);
    return out;
  }
}
