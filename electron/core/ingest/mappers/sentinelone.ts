/**
 * SentinelOne Management API v2.1 records -> NormalizedIncident: threats
 * (`GET /threats`: threatInfo, agentRealtimeInfo, agentDetectionInfo,
 * indicators, mitigationStatus) and cloud-detection (STAR / custom rule)
 * alerts (`GET /cloud-detection/alerts`: alertInfo, ruleInfo,
 * sourceProcessInfo, ...). Everything is read loosely: the API adds fields
 * between console releases and webhook senders trim them, so an unknown field
 * is ignored and a missing one only leaves its part of the incident empty.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

import type { Entities, FileEntity, Mitre, Severity } from '../../../../shared/domain';
import { emptyEntities } from '../../../../shared/domain';
import type { NormalizedIncident } from '../ingestor';

export type SentinelOneKind = 'threat' | 'alert';

export interface SentinelOneMapOptions {
  /** The console's address (no `/web/api/...`), for links back; null leaves consoleUrl empty. */
  consoleBaseUrl: string | null;
}

/** One vendor record, recognised: what to store it under and the incident it makes. */
export interface SentinelOneRecord {
  kind: SentinelOneKind;
  id: string | null;
  /** `<id>@<updatedAt>`: a re-fetched unchanged record is stored once, an updated one again. */
  dedupKey: string;
  /** The vendor's updatedAt (threats) or createdAt (alerts), verbatim, for the poll watermark. */
  updatedAt: string | null;
  createdAt: string | null;
  incident: NormalizedIncident | null;
}

type Obj = Record<string, unknown>;

const MAX_TITLE = 300;
const API_PATH = /\/web\/api(\/v2\.\d+)?\/?$/i;

/** The console address of a configured base URL, which may be given with or without `/web/api/v2.1`. */
export function sentinelOneConsoleBase(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '').replace(API_PATH, '').replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

/** 'threat' for an object with threatInfo, 'alert' for one with alertInfo, else null (a summary or something else). */
export function sentinelOneKindOf(value: unknown): SentinelOneKind | null {
  const record = obj(value);
  if (!record) return null;
  if (obj(record.threatInfo)) return 'threat';
  if (obj(record.alertInfo)) return 'alert';
  return null;
}

/** Recognises and maps a threat or alert object; null when it is neither. */
export function mapSentinelOneRecord(
  value: unknown,
  options: SentinelOneMapOptions,
): SentinelOneRecord | null {
  const kind = sentinelOneKindOf(value);
  if (kind === 'threat') return threatRecord(value as Obj, options);
  if (kind === 'alert') return alertRecord(value as Obj, options);
  return null;
}

/** A v2.1 threat as an incident; null when it carries no id to tie it to. */
export function mapSentinelOneThreat(
  value: unknown,
  options: SentinelOneMapOptions,
): NormalizedIncident | null {
  const record = obj(value);
  return record && obj(record.threatInfo) ? threatRecord(record, options).incident : null;
}

/** A cloud-detection alert as an incident; null when it carries no id to tie it to. */
export function mapSentinelOneAlert(
  value: unknown,
  options: SentinelOneMapOptions,
): NormalizedIncident | null {
  const record = obj(value);
  return record && obj(record.alertInfo) ? alertRecord(record, options).incident : null;
}

function threatRecord(threat: Obj, options: SentinelOneMapOptions): SentinelOneRecord {
  const info = obj(threat.threatInfo) ?? {};
  const id = text(threat.id) ?? text(info.threatId);
  const updatedAt = text(info.updatedAt) ?? text(threat.updatedAt);
  const createdAt = text(info.createdAt) ?? text(threat.createdAt);
  return {
    kind: 'threat',
    id,
    dedupKey: dedupKey(id, updatedAt, threat),
    updatedAt,
    createdAt,
    incident: id ? threatIncident(id, threat, info, options) : null,
  };
}

function alertRecord(alert: Obj, options: SentinelOneMapOptions): SentinelOneRecord {
  const info = obj(alert.alertInfo) ?? {};
  const id = text(info.alertId) ?? text(alert.id);
  const updatedAt = text(info.updatedAt);
  const createdAt = text(info.createdAt);
  return {
    kind: 'alert',
    id,
    dedupKey: dedupKey(id, updatedAt ?? createdAt, alert),
    updatedAt,
    createdAt,
    incident: id ? alertIncident(id, alert, info, options) : null,
  };
}

function dedupKey(id: string | null, version: string | null, record: Obj): string {
  if (id && version) return `${id}@${version}`;
  // Without a version the content itself tells a repeat from a change.
  const hash = createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32);
  return `${id ?? 'unknown'}@sha256:${hash}`;
}

/*
 * Threat severity, from what SentinelOne says about the threat:
 * - confidenceLevel "malicious" is high, and critical while it is still live:
 *   the incident is not resolved and the agent has not contained it
 *   (mitigationStatus is not mitigated / blocked / marked_as_benign, and it
 *   was not mitigated preemptively). A malicious file the agent already killed
 *   and quarantined needs review, not a page at 3 a.m.
 * - "suspicious" is medium; anything else ("n/a", missing) is low.
 * - an analyst verdict of false_positive makes it info whatever the rest says.
 */
const CONTAINED = new Set(['mitigated', 'blocked', 'marked_as_benign']);

function threatSeverity(info: Obj): Severity {
  if (lower(info.analystVerdict) === 'false_positive') return 'info';
  const confidence = lower(info.confidenceLevel);
  if (confidence === 'malicious') {
    const resolved = lower(info.incidentStatus) === 'resolved';
    const contained =
      CONTAINED.has(lower(info.mitigationStatus) ?? '') || info.mitigatedPreemptively === true;
    return !resolved && !contained ? 'critical' : 'high';
  }
  if (confidence === 'suspicious') return 'medium';
  return 'low';
}

function threatIncident(
  id: string,
  threat: Obj,
  info: Obj,
  options: SentinelOneMapOptions,
): NormalizedIncident {
  const realtime = obj(threat.agentRealtimeInfo) ?? {};
  const detection = obj(threat.agentDetectionInfo) ?? {};
  const host =
    text(realtime.agentComputerName) ?? text(detection.agentComputerName) ?? text(threat.agentComputerName);
  const name = text(info.threatName) ?? text(info.classification) ?? 'SentinelOne threat';
  const classification = text(info.classification);

  const entities = emptyEntities();
  addUnique(entities.hosts, host);
  addUnique(entities.users, text(info.processUser));
  addUnique(
    entities.users,
    withDomain(text(detection.agentLastLoggedInUserName), text(detection.agentDomain)),
  );
  addUnique(entities.users, text(detection.agentLastLoggedInUpn));
  for (const value of [detection.agentIpV4, detection.agentIpV6, detection.externalIp])
    addIps(entities, value);
  for (const nic of list(realtime.networkInterfaces)) {
    const iface = obj(nic);
    if (!iface) continue;
    for (const ip of [...list(iface.inet), ...list(iface.inet6)]) addIps(entities, ip);
  }
  addFile(entities, {
    path: text(info.filePath),
    sha1: text(info.sha1),
    sha256: text(info.sha256),
    md5: text(info.md5),
  });
  addUnique(entities.processes, text(info.originatorProcess));
  addUnique(entities.processes, text(info.maliciousProcessArguments));

  const os = text(realtime.agentOsName) ?? text(detection.agentOsName);
  const place = [
    os,
    text(realtime.siteName) ? `site ${text(realtime.siteName)}` : null,
    text(realtime.groupName) ? `group ${text(realtime.groupName)}` : null,
  ].filter(Boolean);
  const engines = list(info.engines).map(text).filter(isString);
  const mitigations = list(threat.mitigationStatus)
    .map(obj)
    .filter((m): m is Obj => m !== null)
    .map((m) => [text(m.action), text(m.status)].filter(Boolean).join(': '))
    .filter(Boolean);
  const indicators = list(threat.indicators)
    .map(obj)
    .filter((i): i is Obj => i !== null)
    .map((i) => {
      const category = text(i.category);
      const description = text(i.description);
      return description ? `- ${category ? `[${category}] ` : ''}${description}` : null;
    })
    .filter(isString);

  const lines = [
    sentence([
      text(info.confidenceLevel),
      classification ?? 'threat',
      engines.length > 0 ? `detected by ${engines.join(', ')}` : 'detected',
      host ? `on ${host}` : null,
      place.length > 0 ? `(${place.join('; ')})` : null,
    ]),
    line('File', text(info.filePath)),
    line('SHA1', text(info.sha1)),
    line('SHA256', text(info.sha256)),
    line('MD5', text(info.md5)),
    line('Signature', [text(info.fileVerificationType), text(info.publisherName)].filter(Boolean).join(', ')),
    line('Process user', text(info.processUser)),
    line('Originator process', text(info.originatorProcess)),
    line('Command line', text(info.maliciousProcessArguments)),
    line(
      'Mitigation',
      [text(info.mitigationStatus), mitigations.length > 0 ? `(${mitigations.join(', ')})` : null]
        .filter(Boolean)
        .join(' '),
    ),
    line(
      'Incident status',
      [
        text(info.incidentStatus),
        text(info.analystVerdict) ? `analyst verdict ${text(info.analystVerdict)}` : null,
      ]
        .filter(Boolean)
        .join('; '),
    ),
    line('Storyline', text(info.storyline)),
    indicators.length > 0 ? `Indicators:\n${indicators.join('\n')}` : null,
  ].filter(isString);

  return {
    fingerprint: `sentinelone|threat|${id}`,
    fingerprintScope: 'vendor',
    vendorId: id,
    consoleUrl: options.consoleBaseUrl
      ? `${options.consoleBaseUrl}/incidents/threats/${encodeURIComponent(id)}/overview`
      : null,
    title: clip(host ? `${name} on ${host}` : name, MAX_TITLE),
    description: lines.join('\n'),
    severity: threatSeverity(info),
    category: classification,
    mitre: threatMitre(threat),
    entities,
    occurredAt: isoTime(info.createdAt) ?? isoTime(info.identifiedAt),
    vendorStatus: text(info.incidentStatus),
    tags: ['sentinelone', 'threat'],
  };
}

/** `indicators[].tactics[].{name, techniques[].{name, link}}`; technique names are ids like T1059. */
function threatMitre(threat: Obj): Mitre {
  const mitre: Mitre = { tactics: [], techniques: [] };
  for (const indicator of list(threat.indicators)) {
    for (const tacticValue of list(obj(indicator)?.tactics)) {
      const tactic = obj(tacticValue);
      if (!tactic) continue;
      addUnique(mitre.tactics, text(tactic.name));
      for (const techniqueValue of list(tactic.techniques)) {
        const technique = obj(techniqueValue);
        if (!technique) continue;
        const fromName = /T\d{4}(?:\.\d{3})?/.exec(text(technique.name) ?? '')?.[0];
        const fromLink = /T\d{4}(?:[./]\d{3})?/.exec(text(technique.link) ?? '')?.[0]?.replace('/', '.');
        addUnique(mitre.techniques, fromName ?? fromLink ?? text(technique.name));
      }
    }
  }
  return mitre;
}

const ALERT_SEVERITIES = new Map<string, Severity>([
  ['critical', 'critical'],
  ['high', 'high'],
  ['medium', 'medium'],
  ['low', 'low'],
  ['info', 'info'],
  ['informational', 'info'],
]);

function alertIncident(
  id: string,
  alert: Obj,
  info: Obj,
  options: SentinelOneMapOptions,
): NormalizedIncident {
  const rule = obj(alert.ruleInfo) ?? {};
  const detection = obj(alert.agentDetectionInfo) ?? {};
  const realtime = obj(alert.agentRealtimeInfo) ?? {};
  const source = obj(alert.sourceProcessInfo) ?? {};
  const parent = obj(alert.sourceParentProcessInfo) ?? {};
  const target = obj(alert.targetProcessInfo) ?? {};
  const host = text(detection.name) ?? text(realtime.name);
  const ruleName = text(rule.name);
  const name = ruleName ?? `SentinelOne alert ${id}`;

  const entities = emptyEntities();
  addUnique(entities.hosts, host);
  for (const user of [source.user, source.loginUser, source.realUser, source.effectiveUser]) {
    addUnique(entities.users, text(user));
  }
  addUnique(entities.users, withDomain(text(info.loginsUserName), text(info.loginAccountDomain)));
  for (const ip of [info.srcIp, info.dstIp, info.srcMachineIp]) addIps(entities, ip);
  addFile(entities, {
    path: text(source.filePath),
    sha1: text(source.fileHashSha1),
    sha256: text(source.fileHashSha256),
    md5: text(source.fileHashMd5),
  });
  addFile(entities, {
    path: text(target.tgtFilePath),
    sha1: text(target.tgtFileHashSha1),
    sha256: text(target.tgtFileHashSha256),
    md5: null,
  });
  addFile(entities, { path: text(info.modulePath), sha1: text(info.moduleSha1), sha256: null, md5: null });
  addUnique(entities.processes, text(source.commandline) ?? text(source.name));
  addUnique(entities.processes, text(parent.commandline) ?? text(parent.name));
  addUnique(entities.processes, text(target.tgtProcCmdLine) ?? text(target.tgtProcName));
  addUnique(entities.domains, text(info.dnsRequest));
  addIndicator(entities, text(info.tiIndicatorType), text(info.tiIndicatorValue));

  const ruleSeverity = lower(rule.severity);
  const severity: Severity = ALERT_SEVERITIES.get(ruleSeverity ?? '') ?? 'medium';
  const network = [
    text(info.srcIp) ? `from ${text(info.srcIp)}${text(info.srcPort) ? `:${text(info.srcPort)}` : ''}` : null,
    text(info.dstIp) ? `to ${text(info.dstIp)}${text(info.dstPort) ? `:${text(info.dstPort)}` : ''}` : null,
  ].filter(isString);
  const lines = [
    sentence([
      text(info.source) ?? 'Custom',
      ruleName ? `rule "${ruleName}"` : 'rule',
      text(rule.severity) ? `(${text(rule.severity)})` : null,
      'matched',
      text(info.eventType),
      host ? `on ${host}` : null,
      text(detection.osName) ? `(${text(detection.osName)})` : null,
    ]),
    line('Rule description', text(rule.description)),
    line('Query', text(rule.s1ql)),
    line('Process', processLine(text(source.name), text(source.pid), text(source.user))),
    line('Command line', text(source.commandline)),
    line('Parent process', processLine(text(parent.name), text(parent.pid), text(parent.user))),
    line('Target process', text(target.tgtProcCmdLine) ?? text(target.tgtProcName)),
    line('Network', network.join(' ')),
    line('DNS', text(info.dnsRequest)),
    line(
      'Indicator',
      [text(info.indicatorName), text(info.indicatorDescription)].filter(Boolean).join(': ') ||
        (text(info.tiIndicatorValue)
          ? `${text(info.tiIndicatorType) ?? 'TI'} ${text(info.tiIndicatorValue)}`
          : null),
    ),
    line(
      'Incident status',
      [
        text(info.incidentStatus),
        text(info.analystVerdict) ? `analyst verdict ${text(info.analystVerdict)}` : null,
      ]
        .filter(Boolean)
        .join('; '),
    ),
  ].filter(isString);

  return {
    fingerprint: `sentinelone|alert|${id}`,
    fingerprintScope: 'vendor',
    vendorId: id,
    // The console's alert page path is not in any public material; this is the path newer consoles show.
    consoleUrl: options.consoleBaseUrl
      ? `${options.consoleBaseUrl}/alerts/stars/${encodeURIComponent(id)}`
      : null,
    title: clip(host ? `${name} on ${host}` : name, MAX_TITLE),
    description: lines.join('\n'),
    severity,
    category: ruleName ?? text(info.indicatorCategory),
    mitre: { tactics: [], techniques: [] },
    entities,
    occurredAt: isoTime(info.createdAt) ?? isoTime(info.reportedAt),
    vendorStatus: text(info.incidentStatus),
    tags: ['sentinelone', 'alert'],
  };
}

/** What a notification that is not a full threat or alert says about itself. */
export interface SentinelOneNotification {
  /** Threat ids it names: fetch them to get the full threats. */
  threatIds: string[];
  /** An incident from whatever the notification says; null when it says too little. */
  incident: NormalizedIncident | null;
}

const THREAT_ID_KEYS = ['threatId', 'threat_id', 'threatIds', 'threat_ids'];
const ALERT_ID_KEYS = ['alertId', 'alert_id', 'alertIds', 'alert_ids'];
const NUMERIC_ID = /^\d{1,32}$/;

/**
 * Reads a summary notification (no public sample of the console's webhook
 * body exists, so this looks for the usual names: threatId / threatIds, ids,
 * id, also one level down under `threat` or `data`). A plain `id` or `ids`
 * counts as a threat id unless the notification names alerts.
 */
export function readSentinelOneNotification(value: Obj): SentinelOneNotification {
  const threatIds: string[] = [];
  const threat = obj(value.threat);
  const data = obj(value.data);
  const scopes = [value, threat, data].filter((s): s is Obj => s !== null);
  const namesAlerts = scopes.some((scope) => ALERT_ID_KEYS.some((key) => scope[key] !== undefined));
  for (const scope of scopes) for (const key of THREAT_ID_KEYS) addIds(threatIds, scope[key]);
  if (threat) addIds(threatIds, threat.id);
  if (!namesAlerts) {
    for (const scope of [value, data]) {
      addIds(threatIds, scope?.ids);
      addIds(threatIds, scope?.id);
    }
  }
  return { threatIds, incident: notificationIncident(scopes, threatIds[0] ?? null) };
}

const SUMMARY_TITLE_KEYS = ['threatName', 'title', 'name', 'ruleName', 'subject', 'message', 'description'];
const SUMMARY_HOST_KEYS = [
  'agentComputerName',
  'computerName',
  'endpointName',
  'agentName',
  'hostname',
  'host',
];

function notificationIncident(scopes: Obj[], threatId: string | null): NormalizedIncident | null {
  const pick = (keys: string[]) => {
    for (const scope of scopes) for (const key of keys) if (text(scope[key])) return text(scope[key]);
    return null;
  };
  const title = pick(SUMMARY_TITLE_KEYS);
  if (!title) return null;
  const host = pick(SUMMARY_HOST_KEYS);
  const severityWord = lower(pick(['severity', 'confidenceLevel', 'confidence']));
  const severity: Severity =
    severityWord === 'malicious'
      ? 'high'
      : severityWord === 'suspicious'
        ? 'medium'
        : (ALERT_SEVERITIES.get(severityWord ?? '') ?? 'medium');
  const entities = emptyEntities();
  addUnique(entities.hosts, host);
  return {
    fingerprint: threatId
      ? `sentinelone|threat|${threatId}`
      : ['sentinelone', 'notification', title, host ?? ''].join('|'),
    fingerprintScope: threatId ? 'vendor' : 'window',
    vendorId: threatId,
    consoleUrl: null,
    title: clip(host ? `${title} on ${host}` : title, MAX_TITLE),
    description: pick(['description', 'message', 'details']) ?? 'SentinelOne notification (summary only)',
    severity,
    category: pick(['classification', 'category']),
    mitre: { tactics: [], techniques: [] },
    entities,
    occurredAt: isoTime(pick(['createdAt', 'identifiedAt', 'timestamp', 'time'])),
    vendorStatus: pick(['incidentStatus', 'status']),
    tags: ['sentinelone', 'notification'],
  };
}

function addIds(into: string[], value: unknown): void {
  const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  for (const item of values) {
    const id =
      typeof item === 'number' && Number.isSafeInteger(item) && item >= 0
        ? String(item)
        : typeof item === 'string'
          ? item.trim()
          : null;
    if (id && NUMERIC_ID.test(id) && !into.includes(id)) into.push(id);
  }
}

function obj(value: unknown): Obj | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function lower(value: unknown): string | null {
  return text(value)?.toLowerCase() ?? null;
}

function isString(value: string | null | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

function isoTime(value: unknown): string | null {
  const raw = text(value);
  if (!raw) return null;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function clip(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function line(label: string, value: string | null | undefined): string | null {
  return value ? `${label}: ${value}` : null;
}

function sentence(parts: (string | null | undefined)[]): string {
  const words = parts.filter(isString).join(' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
}

function processLine(name: string | null, pid: string | null, user: string | null): string | null {
  if (!name) return null;
  const details = [pid ? `pid ${pid}` : null, user ? `user ${user}` : null].filter(isString);
  return details.length > 0 ? `${name} (${details.join(', ')})` : name;
}

function addUnique(into: string[], value: string | null | undefined): void {
  if (value && !into.includes(value)) into.push(value);
}

/** `DOMAIN\user` when the agent is in a real domain; WORKGROUP is no domain. */
function withDomain(user: string | null, domain: string | null): string | null {
  if (!user) return null;
  if (!domain || domain.toUpperCase() === 'WORKGROUP' || /[\\@]/.test(user)) return user;
  return `${domain}\\${user}`;
}

/** Adds each address in a value (a string, possibly comma-separated, or a list), skipping loopback and link-local. */
function addIps(entities: Entities, value: unknown): void {
  const values = Array.isArray(value) ? value : [value];
  for (const item of values) {
    for (const part of (text(item) ?? '').split(/[,\s]+/)) {
      const ip = part.trim();
      if (!ip || isIP(ip) === 0) continue;
      if (/^(127\.|0\.0\.0\.0$|::1$|fe[89ab][0-9a-f]:)/i.test(ip)) continue;
      addUnique(entities.ips, ip);
    }
  }
}

function addFile(
  entities: Entities,
  file: { path: string | null; sha1: string | null; sha256: string | null; md5: string | null },
): void {
  if (!file.path) return;
  const entity: FileEntity = { path: file.path };
  if (file.sha256) entity.sha256 = file.sha256;
  if (file.sha1) entity.sha1 = file.sha1;
  if (file.md5) entity.md5 = file.md5;
  if (!entities.files.some((f) => f.path === entity.path && f.sha1 === entity.sha1))
    entities.files.push(entity);
}

/** A threat-intel indicator on an alert: URL and domain types become entities of their kind. */
function addIndicator(entities: Entities, type: string | null, value: string | null): void {
  if (!type || !value) return;
  const kind = type.toLowerCase();
  if (kind.includes('url')) addUnique(entities.urls, value);
  else if (kind.includes('dns') || kind.includes('domain')) addUnique(entities.domains, value);
  else if (kind.includes('ip')) addIps(entities, value);
}
