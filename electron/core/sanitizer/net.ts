/**
 * Address and name helpers for the sanitizer: parsing IPs, telling internal
 * names from public ones. Pure functions, no state.
 */

const IPV4_EXACT = /^(?:25[0-5]|2[0-4]\d|[01]?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|[01]?\d?\d)){3}$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** True for a dotted quad (leading zeros tolerated, as some firewalls pad). */
export function isIPv4(text: string): boolean {
  return IPV4_EXACT.test(text);
}

/** One spelling per address: octets without leading zeros. */
export function normalizeIPv4(text: string): string {
  if (!/(?:^|\.)0\d/.test(text)) return text;
  return text
    .split('.')
    .map((part) => String(Number(part)))
    .join('.');
}

/**
 * Addresses that name no one: loopback, unspecified, broadcast, and netmasks
 * (255.x). Keeping them readable costs nothing and helps the analysis.
 */
export function isPublicKnowledgeIPv4(text: string): boolean {
  const normalized = normalizeIPv4(text);
  if (normalized === '0.0.0.0' || normalized.startsWith('127.')) return true;
  if (!normalized.startsWith('255.')) return false;
  return normalized.split('.').every((octet) => NETMASK_OCTETS.has(Number(octet)));
}

const NETMASK_OCTETS = new Set([0, 128, 192, 224, 240, 248, 252, 254, 255]);

/**
 * Expands an IPv6 address (zone id and embedded IPv4 allowed) to eight
 * lowercase groups, or returns null when it is not one. Used both to validate
 * the loose candidate the scanner finds and to give `2001:db8::1` and
 * `2001:DB8:0::1` the same pseudonym.
 */
export function expandIPv6(text: string): string[] | null {
  let address = text;
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  let tail: string[] = [];
  const lastColon = address.lastIndexOf(':');
  if (lastColon < 0) return null;
  const last = address.slice(lastColon + 1);
  if (last.includes('.')) {
    if (!isIPv4(last)) return null;
    const octets = last.split('.').map(Number);
    tail = [
      (((octets[0] ?? 0) << 8) | (octets[1] ?? 0)).toString(16),
      (((octets[2] ?? 0) << 8) | (octets[3] ?? 0)).toString(16),
    ];
    address = address.slice(0, lastColon + 1);
    if (!address.endsWith('::')) address = address.slice(0, -1);
  }
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parse = (half: string | undefined): string[] | null => {
    if (half === undefined || half === '') return [];
    const groups = half.split(':');
    return groups.every((group) => HEX_GROUP.test(group)) ? groups : null;
  };
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (head === null || rest === null) return null;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1) {
    if (given !== 8) return null;
    return [...head, ...tail].map(canonicalGroup);
  }
  if (given > 7) return null;
  const zeros: string[] = Array.from({ length: 8 - given }, () => '0');
  return [...head, ...zeros, ...rest, ...tail].map(canonicalGroup);
}

function canonicalGroup(group: string): string {
  return parseInt(group, 16).toString(16);
}

/** The key two spellings of one IPv6 address share. */
export function normalizeIPv6(text: string): string | null {
  const groups = expandIPv6(text);
  return groups === null ? null : groups.join(':');
}

/** `::` and `::1`: public knowledge, never masked. */
export function isPublicKnowledgeIPv6(groups: string[]): boolean {
  return groups.slice(0, 7).every((g) => g === '0') && (groups[7] === '0' || groups[7] === '1');
}

/** An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) split into its prefix and the IPv4 part. */
export function splitMappedIPv4(text: string): { prefix: string; ipv4: string } | null {
  const match = /^(.*:)((?:\d{1,3}\.){3}\d{1,3})$/.exec(text);
  if (!match || !isIPv4(match[2] ?? '')) return null;
  return { prefix: match[1] ?? '', ipv4: match[2] ?? '' };
}

/**
 * Top-level names that never resolve on the internet: seeing one means the
 * name is internal (AD forests under .local/.corp, home routers under .lan).
 */
const INTERNAL_TLDS = new Set([
  'local',
  'lan',
  'corp',
  'internal',
  'intranet',
  'intra',
  'localdomain',
  'home',
  'private',
  'priv',
]);

/** Second-level labels under which registries sell names (example.co.uk). */
const SECOND_LEVEL = new Set([
  'co',
  'com',
  'net',
  'org',
  'gov',
  'edu',
  'ac',
  'or',
  'ne',
  'go',
  'mil',
  'ltd',
  'plc',
]);

/** True when `name` (lowercase) ends in a suffix only private networks use. */
export function hasInternalSuffix(name: string): boolean {
  if (name.endsWith('.home.arpa')) return true;
  const dot = name.lastIndexOf('.');
  return INTERNAL_TLDS.has(dot < 0 ? name : name.slice(dot + 1));
}

/**
 * The registrable domain of a lowercase name, without a public-suffix list:
 * the last two labels, three under a known second level of a country code
 * (corp.example.co.uk -> example.co.uk). Good enough to learn which names
 * belong to the organisation from its own host names and UPNs.
 */
export function registrableDomain(name: string): string {
  const labels = name.split('.');
  if (labels.length <= 2) return name;
  const tld = labels[labels.length - 1] ?? '';
  const second = labels[labels.length - 2] ?? '';
  const take = tld.length === 2 && SECOND_LEVEL.has(second) ? 3 : 2;
  return labels.slice(-take).join('.');
}

/** A DNS-shaped name: labels of letters, digits, `-` and `_`, the last one alphabetic. */
export function looksLikeDnsName(name: string): boolean {
  const labels = name.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => /^[A-Za-z0-9_-]{1,63}$/.test(label))) return false;
  return /^[A-Za-z][A-Za-z0-9-]{1,62}$/.test(labels[labels.length - 1] ?? '');
}
