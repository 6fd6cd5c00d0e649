/**
 * Threat-intel indicators of an incident: file hashes, public IPs, public
 * domains and URLs, each with lookup links an analyst opens in a browser
 * (nothing is fetched from here), and the verdict the source product gave
 * when it gave one. Internal values are left out on purpose: a lookup link
 * sends its value to a third party the moment it is opened, so private
 * addresses, internal names and the organisation's own domains never get one.
 */
import { BlockList, isIP } from 'node:net';

import type { Incident, RawEvent } from '../../../shared/domain';
import type { IncidentDetail } from '../../../shared/ipc/contract';
import { hasInternalSuffix, looksLikeDnsName, registrableDomain } from '../sanitizer/net';

export type IntelItem = IncidentDetail['intel'][number];
export type IntelKind = IntelItem['kind'];

/** Indicators listed per incident at most; a huge entity list is a parsing accident, not intel. */
export const MAX_INTEL = 50;

const HASH_LENGTH: Record<'sha256' | 'sha1' | 'md5', number> = { sha256: 64, sha1: 40, md5: 32 };

/** Ranges that name no one on the internet: RFC 1918, loopback, link-local, CGNAT, multicast, ULA... */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** True for an address a public lookup service can say something about. */
export function isPublicIp(value: string): boolean {
  const family = isIP(value);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value)?.[1];
    if (mapped) return isPublicIp(mapped);
  }
  return !NOT_PUBLIC.check(value, family === 4 ? 'ipv4' : 'ipv6');
}

function link(label: string, url: string) {
  return { label, url };
}

/** Lookup links per kind: plain https addresses with the value encoded. */
export function lookupLinks(kind: IntelKind, value: string): IntelItem['links'] {
  // A colon may stand in a path segment (RFC 3986 pchar): IPv6 addresses stay readable.
  const v = encodeURIComponent(value).replace(/%3A/gi, ':');
  switch (kind) {
    case 'sha256':
    case 'sha1':
    case 'md5':
      return [
        link('VirusTotal', `https://www.virustotal.com/gui/file/${v}`),
        link(
          'MalwareBazaar',
          `https://bazaar.abuse.ch/browse.php?search=${encodeURIComponent(`${kind}:${value}`)}`,
        ),
        link('Hybrid Analysis', `https://www.hybrid-analysis.com/search?query=${v}`),
      ];
    case 'ip':
      return [
        link('VirusTotal', `https://www.virustotal.com/gui/ip-address/${v}`),
        link('AbuseIPDB', `https://www.abuseipdb.com/check/${v}`),
        link('Shodan', `https://www.shodan.io/host/${v}`),
      ];
    case 'domain':
      return [
        link('VirusTotal', `https://www.virustotal.com/gui/domain/${v}`),
        link('URLhaus', `https://urlhaus.abuse.ch/browse.php?search=${v}`),
      ];
    case 'url':
      return [
        // VirusTotal names a URL by its unpadded base64url.
        link('VirusTotal', `https://www.virustotal.com/gui/url/${Buffer.from(value).toString('base64url')}`),
        link('URLhaus', `https://urlhaus.abuse.ch/browse.php?search=${v}`),
      ];
  }
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function words(value: string): string {
  return value.replace(/_/g, ' ').toLowerCase();
}

function parseBody(body: string): Obj | null {
  if (!body.startsWith('{')) return null;
  try {
    return obj(JSON.parse(body));
  } catch {
    return null;
  }
}

/**
 * What the source product said about indicators, by lowercased value. Read
 * from the newest raw event of each vendor record (the mappers keep the
 * verdict fields only in the raw body and the description):
 * - SentinelOne threats: the analyst's verdict when one was given, else the
 *   engine's confidence (malicious / suspicious) with the classification,
 *   for the threat file's hashes;
 * - SentinelOne alerts: a threat-intelligence match for its indicator value;
 * - Deep Instinct: events are files its model classified malicious (with
 *   the action taken), suspicious-events are suspicious, for the file hashes.
 */
export function vendorVerdicts(incident: Incident, events: readonly RawEvent[]): Map<string, string> {
  const verdicts = new Map<string, string>();
  const put = (value: string | null, verdict: string) => {
    if (value && !verdicts.has(value.toLowerCase())) verdicts.set(value.toLowerCase(), verdict);
  };
  // Events come newest first: the first verdict seen for a value is the current one.
  for (const event of events) {
    const body = parseBody(event.body);
    if (!body) continue;
    if (incident.source.kind === 'sentinelone') {
      const threat = obj(body.threatInfo);
      if (threat) {
        const verdict = sentinelOneThreatVerdict(threat);
        if (verdict) for (const key of ['sha256', 'sha1', 'md5']) put(text(threat[key]), verdict);
      }
      const alert = obj(body.alertInfo);
      const indicator = alert ? text(alert.tiIndicatorValue) : null;
      if (alert && indicator) {
        const source = text(alert.tiIndicatorSource);
        put(indicator, `threat-intel match${source ? ` (${source})` : ''}`);
      }
    } else if (incident.source.kind === 'deepinstinct') {
      const verdict = deepInstinctVerdict(incident, body);
      if (verdict) {
        put(text(body.file_hash), verdict);
        put(text(body.file_archive_hash), verdict);
      }
    }
  }
  return verdicts;
}

const ANALYST_VERDICTS = new Set(['true_positive', 'false_positive', 'suspicious']);

function sentinelOneThreatVerdict(info: Obj): string | null {
  const analyst = text(info.analystVerdict)?.toLowerCase();
  const classification = text(info.classification);
  const suffix = classification ? ` (${classification})` : '';
  if (analyst && ANALYST_VERDICTS.has(analyst)) return `analyst: ${words(analyst)}${suffix}`;
  const confidence = text(info.confidenceLevel)?.toLowerCase();
  if (confidence === 'malicious' || confidence === 'suspicious') return `${confidence}${suffix}`;
  if (text(info.cloudFilesHashVerdict)?.toLowerCase() === 'black') return `malicious (cloud hash verdict)`;
  return null;
}

function deepInstinctVerdict(incident: Incident, event: Obj): string | null {
  const suspicious = incident.tags.includes('suspicious');
  const action = text(event.action);
  const classification = text(event.deep_classification);
  const detail = [classification, action ? words(action) : null].filter(Boolean).join(', ');
  const verdict = suspicious ? 'suspicious' : 'malicious';
  return detail ? `${verdict} (${detail})` : verdict;
}

/** The registrable domains the incident's own hosts and users live under (corp.example.com -> example.com). */
function ownDomains(incident: Incident): Set<string> {
  const own = new Set<string>();
  for (const host of incident.entities.hosts) {
    const name = host.toLowerCase();
    if (name.includes('.') && isIP(name) === 0) own.add(registrableDomain(name));
  }
  for (const user of incident.entities.users) {
    const at = user.lastIndexOf('@');
    if (at > 0) own.add(registrableDomain(user.slice(at + 1).toLowerCase()));
  }
  return own;
}

function publicDomain(name: string, own: Set<string>, hosts: Set<string>): boolean {
  const lower = name.toLowerCase().replace(/\.$/, '');
  return (
    looksLikeDnsName(lower) &&
    !hasInternalSuffix(lower) &&
    !hosts.has(lower) &&
    !own.has(registrableDomain(lower))
  );
}

/** The incident's indicators worth a lookup, hashes first, each once. */
export function incidentIntel(incident: Incident, events: readonly RawEvent[]): IntelItem[] {
  const verdicts = vendorVerdicts(incident, events);
  const items: IntelItem[] = [];
  const seen = new Set<string>();
  const add = (kind: IntelKind, value: string) => {
    const key = `${kind}:${value.toLowerCase()}`;
    if (seen.has(key) || items.length >= MAX_INTEL) return;
    seen.add(key);
    items.push({
      kind,
      value,
      verdict: verdicts.get(value.toLowerCase()) ?? null,
      links: lookupLinks(kind, value),
    });
  };

  for (const file of incident.entities.files) {
    for (const kind of ['sha256', 'sha1', 'md5'] as const) {
      const hash = file[kind]?.trim().toLowerCase();
      if (hash && hash.length === HASH_LENGTH[kind] && /^[0-9a-f]+$/.test(hash)) add(kind, hash);
    }
  }
  for (const ip of incident.entities.ips) {
    const value = ip.trim();
    if (isPublicIp(value)) add('ip', value);
  }

  const own = ownDomains(incident);
  const hosts = new Set(incident.entities.hosts.map((h) => h.toLowerCase()));
  const urlHosts: string[] = [];
  for (const raw of incident.entities.urls) {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const isPublic = isIP(host) !== 0 ? isPublicIp(host) : publicDomain(host, own, hosts);
    if (!isPublic) continue;
    add('url', raw.trim());
    if (isIP(host) === 0) urlHosts.push(host.toLowerCase());
  }
  for (const domain of [...incident.entities.domains, ...urlHosts]) {
    const value = domain.trim().toLowerCase().replace(/\.$/, '');
    if (publicDomain(value, own, hosts)) add('domain', value);
  }
  // Hashes first (the strongest indicators), then IPs, domains and URLs.
  const order: Record<IntelKind, number> = { sha256: 0, sha1: 1, md5: 2, ip: 3, domain: 4, url: 5 };
  return items.sort((a, b) => order[a.kind] - order[b.kind]);
}
