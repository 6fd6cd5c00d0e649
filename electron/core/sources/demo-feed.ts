/**
 * The demo feed: a source that generates vendor-shaped incidents at a set
 * rate through the same ingest path as real sources (raw event stored,
 * dedup, live push). A seeded generator makes a fixed seed give the same feed.
 */
import type { Severity, SourceRef } from '../../../shared/domain';
import { emptyEntities } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { IngestInput, NormalizedIncident } from '../ingest/ingestor';
import type { DemoScenario } from './demo-scenarios';
import { DEMO_HOSTS, DEMO_INTERNAL_IPS, DEMO_REMOTE_IPS, DEMO_SCENARIOS, DEMO_USERS } from './demo-scenarios';

/** mulberry32: small, fast and good enough to vary demo data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VENDOR_NAMES: Record<DemoScenario['vendor'], string> = {
  sentinelone: 'SentinelOne',
  maxpatrol: 'MaxPatrol SIEM',
  deepinstinct: 'Deep Instinct',
};

export class DemoGenerator {
  private readonly random: () => number;
  private sequence = 0;
  private readonly recent: { scenario: DemoScenario; host: string; user: string; ip: string }[] = [];

  constructor(
    seed: number,
    private readonly clock: Clock,
  ) {
    this.random = seededRandom(seed);
  }

  /**
   * The next demo event, ready for the ingestor. About one in six repeats a
   * recent one (a duplicate), unless `fresh` asks for a new incident.
   */
  next(source: SourceRef, fresh = false): IngestInput {
    this.sequence += 1;
    const repeat = !fresh && this.recent.length > 0 && this.random() < 0.17;
    const newPick = () => ({
      scenario: this.weightedScenario(),
      host: this.choose(DEMO_HOSTS),
      user: this.choose(DEMO_USERS),
      ip: this.choose(DEMO_REMOTE_IPS),
    });
    let pick = repeat ? this.recent[Math.floor(this.random() * this.recent.length)]! : newPick();
    // A fresh event must open its own incident, so it may not share a recent fingerprint.
    for (let tries = 0; fresh && tries < 50 && this.isRecent(pick); tries++) pick = newPick();
    if (!repeat) {
      this.recent.push(pick);
      if (this.recent.length > 8) this.recent.shift();
    }
    const { scenario, host, user, ip } = pick;
    const vendorEventId = `demo-${this.clock.now().toString(36)}-${this.sequence}`;
    const occurredAt = new Date(this.clock.now() - Math.floor(this.random() * 20_000)).toISOString();
    const internalIp = this.choose(DEMO_INTERNAL_IPS);
    const userName = user.split('\\')[1] ?? user;
    const filePath = scenario.file?.path.replace('{user}', userName);

    const entities = emptyEntities();
    entities.hosts.push(host);
    entities.ips.push(internalIp);
    if (scenario.withUser) entities.users.push(user);
    if (scenario.withRemoteIp) entities.ips.push(ip);
    if (scenario.process) entities.processes.push(scenario.process);
    if (scenario.file && filePath) entities.files.push({ path: filePath, sha256: scenario.file.sha256 });

    const body = {
      demo: true,
      vendor: scenario.vendor,
      eventId: vendorEventId,
      detectedAt: occurredAt,
      title: scenario.title,
      severity: scenario.severity,
      endpoint: { computerName: host, ip: internalIp, user: scenario.withUser ? user : null },
      remoteIp: scenario.withRemoteIp ? ip : null,
      process: scenario.process ?? null,
      file: scenario.file ? { path: filePath, sha256: scenario.file.sha256 } : null,
      mitre: { tactics: scenario.tactics, techniques: scenario.techniques },
    };
    const incident: NormalizedIncident = {
      fingerprint: ['demo', scenario.vendor, scenario.title, host].join('|'),
      vendorId: vendorEventId,
      consoleUrl: null,
      title: `${scenario.title} on ${host.split('.')[0] ?? host}`,
      description: `${scenario.description} (demo data from ${VENDOR_NAMES[scenario.vendor]})`,
      severity: scenario.severity,
      category: scenario.category,
      mitre: { tactics: [...scenario.tactics], techniques: [...scenario.techniques] },
      entities,
      occurredAt,
      vendorStatus: null,
      tags: ['demo', scenario.vendor],
    };
    return {
      source,
      route: 'demo',
      body: JSON.stringify(body),
      dedupKey: vendorEventId,
      incident,
      via: 'poller',
    };
  }

  private isRecent(pick: { scenario: DemoScenario; host: string }): boolean {
    return this.recent.some((r) => r.scenario === pick.scenario && r.host === pick.host);
  }

  private weightedScenario(): DemoScenario {
    // Real queues are mostly medium and low; keep criticals rare enough to stand out.
    const weights: Record<Severity, number> = { info: 2, low: 3, medium: 4, high: 3, critical: 1 };
    const total = DEMO_SCENARIOS.reduce((sum, s) => sum + weights[s.severity], 0);
    let roll = this.random() * total;
    for (const scenario of DEMO_SCENARIOS) {
      roll -= weights[scenario.severity];
      if (roll < 0) return scenario;
    }
    return DEMO_SCENARIOS[0]!;
  }

  private choose<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
}
