/**
 * The detection rules of `POST /api/logs` (DESIGN.md §4): log records and
 * auth-log lines in, detections out. Windowed rules count hits per key in
 * record time (the time each record says it happened, so a batch replayed
 * from a file is judged as it happened, not as it arrived); thresholds are
 * read from the config at every evaluation, so a change applies to the next
 * record. A windowed rule fires once when its key reaches the threshold and
 * again only after its window has passed; repeats group into one incident by
 * fingerprint anyway.
 */
import type { Config } from '../../../shared/config';
import type { Mitre, Severity } from '../../../shared/domain';
import { severityRank } from '../../../shared/domain';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { AuthEvent } from './auth-log';
import { parseAuthMessage, parseSyslogLine } from './auth-log';
import { hasPathTraversal, hasSqlInjection } from './injection';
import type { Hit, Threshold, WindowLimits } from './windows';
import { DEFAULT_WINDOW_LIMITS, EVIDENCE_LINES, WindowStore } from './windows';

export const DETECTION_RULES = [
  'ssh_brute_force',
  'ssh_rapid_attempts',
  'sudo_failures',
  'off_hours_login',
  'user_enumeration',
  'http_5xx_burst',
  'sql_injection',
  'path_traversal',
] as const;
export type DetectionRule = (typeof DETECTION_RULES)[number];

/** One log record as the rules see it. */
export interface LogRecord {
  service: string;
  message: string;
  /** Epoch ms: when the record says it happened. */
  time: number;
  statusCode?: number | null;
  sourceIp?: string | null;
  host?: string | null;
  user?: string | null;
  /** A request URL, when the record carries one apart from its message. */
  url?: string | null;
}

export interface Detection {
  rule: DetectionRule;
  severity: Severity;
  title: string;
  /** One sentence: what crossed which threshold. */
  summary: string;
  /** The log lines that made the rule fire, oldest first (at most EVIDENCE_LINES). */
  evidence: string[];
  host: string | null;
  /** The user the finding is about (part of the fingerprint); null when it spans several. */
  user: string | null;
  /** Every user name the evidence names (the entities of the incident). */
  users: string[];
  ip: string | null;
  service: string;
  url: string | null;
  /** Epoch ms of the record that made the rule fire. */
  time: number;
  /** `rule|<rule>|<host>|<user>|<ip>`: repeats of one finding group into one incident. */
  fingerprint: string;
  mitre: Mitre;
}

export interface DetectionSettings {
  detection: Config['detection'];
  /** 'local' or an IANA zone: off-hours are judged on this wall clock. */
  timeZone: string;
}

const MITRE: Record<DetectionRule, Mitre> = {
  ssh_brute_force: { tactics: ['TA0006'], techniques: ['T1110.001'] },
  ssh_rapid_attempts: { tactics: ['TA0006'], techniques: ['T1110.001'] },
  sudo_failures: { tactics: ['TA0004', 'TA0006'], techniques: ['T1110', 'T1548.003'] },
  off_hours_login: { tactics: ['TA0001'], techniques: ['T1078'] },
  user_enumeration: { tactics: ['TA0007'], techniques: ['T1087'] },
  http_5xx_burst: { tactics: [], techniques: [] },
  sql_injection: { tactics: ['TA0001'], techniques: ['T1190'] },
  path_traversal: { tactics: ['TA0001'], techniques: ['T1190'] },
};

/** Longest message or URL text the signature rules scan; keeps hostile input cheap. */
const SCAN_CHARS = 8192;
/** Longest evidence line kept in memory and written into a description. */
const LINE_CHARS = 300;

type Rule = Exclude<DetectionRule, 'off_hours_login' | 'sql_injection' | 'path_traversal'>;

export interface DetectionEngineOptions {
  settings: () => DetectionSettings;
  /** Time of auth-log lines whose prefix carries no usable timestamp. */
  clock: Clock;
  logger?: Logger;
  limits?: WindowLimits;
}

export class DetectionEngine {
  private readonly windows: Record<Rule, WindowStore>;
  private readonly formats = new Map<string, Intl.DateTimeFormat>();
  private readonly badZones = new Set<string>();

  constructor(private readonly options: DetectionEngineOptions) {
    const limits = options.limits ?? DEFAULT_WINDOW_LIMITS;
    this.windows = {
      ssh_brute_force: new WindowStore(limits),
      ssh_rapid_attempts: new WindowStore(limits),
      sudo_failures: new WindowStore(limits),
      user_enumeration: new WindowStore(limits),
      http_5xx_burst: new WindowStore(limits),
    };
  }

  /** Keys and hits held per windowed rule (memory stays bounded whatever the input). */
  stats(): Record<Rule, { keys: number; hits: number }> {
    const out = {} as Record<Rule, { keys: number; hits: number }>;
    for (const [rule, store] of Object.entries(this.windows) as [Rule, WindowStore][]) out[rule] = store.size;
    return out;
  }

  /**
   * Runs `fn` (evaluations plus whatever stores their outcome); if it throws,
   * every window it changed is restored, so a retried batch counts once.
   */
  transaction<T>(fn: () => T): T {
    const stores = Object.values(this.windows);
    const run = (index: number): T =>
      index === stores.length ? fn() : stores[index]!.transaction(() => run(index + 1));
    return run(0);
  }

  /** A raw auth-log line (`<time> <host> sshd[pid]: ...`); `defaults` fills what the line lacks. */
  evaluateLine(line: string, defaults: { host?: string | null; service?: string } = {}): Detection[] {
    const parsed = parseSyslogLine(line);
    return this.evaluate({
      service: parsed.program ?? defaults.service ?? 'syslog',
      message: parsed.message,
      time: parsed.time ?? this.options.clock.now(),
      host: parsed.host ?? defaults.host ?? null,
    });
  }

  /** Every rule over one record; the most severe detection first. */
  evaluate(record: LogRecord): Detection[] {
    const { detection: config } = this.options.settings();
    const prefixed = parseSyslogLine(record.message);
    const event = parseAuthMessage(prefixed.message);
    const context: Context = {
      record,
      host: record.host ?? prefixed.host ?? null,
      line: evidenceLine(record),
    };
    const found: Detection[] = [];
    if (event) this.authRules(event, context, config, found);
    const status = record.statusCode ?? null;
    if (config.http5xxBurst.enabled && status !== null && status >= 500 && status <= 599) {
      const hits = this.windows.http_5xx_burst.hit(
        record.service,
        this.hitOf(context),
        threshold(config.http5xxBurst),
      );
      if (hits) {
        found.push(
          this.detection('http_5xx_burst', 'high', context, {
            host: context.host,
            user: null,
            ip: null,
            // The window spans every host of the service, so the title names none of them.
            title: `Burst of 5xx errors in ${record.service}`,
            summary: `${hits.length} responses with a 5xx status from ${record.service} within ${config.http5xxBurst.windowSec} s (threshold ${config.http5xxBurst.count}).`,
            hits,
          }),
        );
      }
    }
    if (config.injection.enabled) this.signatureRules(context, found);
    return found.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  }

  private authRules(event: AuthEvent, ctx: Context, config: Config['detection'], found: Detection[]): void {
    const { host } = ctx;
    const on = host ? ` on ${host}` : '';
    switch (event.kind) {
      case 'ssh_failure': {
        const key = keyOf(host, event.ip);
        const counted = (rule: 'ssh_brute_force' | 'ssh_rapid_attempts', severity: Severity) => {
          const settings = rule === 'ssh_brute_force' ? config.sshBruteForce : config.rapidAttempts;
          if (!settings.enabled) return;
          const hits = this.windows[rule].hit(key, this.hitOf(ctx, event.user), threshold(settings));
          if (!hits) return;
          const what = rule === 'ssh_brute_force' ? 'SSH brute force' : 'Rapid SSH login attempts';
          found.push(
            this.detection(rule, severity, ctx, {
              host,
              user: null,
              ip: event.ip,
              title: `${what} from ${event.ip}${on}`,
              summary: `${hits.length} failed SSH logins from ${event.ip}${on} within ${settings.windowSec} s (threshold ${settings.count}).`,
              hits,
            }),
          );
        };
        counted('ssh_brute_force', 'high');
        counted('ssh_rapid_attempts', 'critical');
        if (event.invalidUser) this.enumeration(event.user, event.ip, ctx, config, found);
        return;
      }
      case 'ssh_invalid_user':
        // sshd logs an invalid user twice ("Invalid user", then "Failed password for invalid user"):
        // the attempt is counted on the failure line, this one only adds the name.
        this.enumeration(event.user, event.ip, ctx, config, found);
        return;
      case 'ssh_accepted':
        this.offHours(event.user, event.ip, ctx, config, found);
        return;
      case 'sudo_failure':
      case 'sudo_attempts':
        this.sudo(event, ctx, config, found);
        return;
    }
  }

  private enumeration(
    user: string,
    ip: string,
    ctx: Context,
    config: Config['detection'],
    found: Detection[],
  ): void {
    const settings = config.userEnumeration;
    if (!settings.enabled) return;
    const key = keyOf(ctx.host, ip);
    const hits = this.windows.user_enumeration.hit(key, this.hitOf(ctx, user), {
      ...threshold(settings),
      distinct: true,
    });
    if (!hits) return;
    const on = ctx.host ? ` on ${ctx.host}` : '';
    const names = hits.map((h) => h.label);
    found.push(
      this.detection('user_enumeration', 'medium', ctx, {
        host: ctx.host,
        user: null,
        ip,
        title: `SSH user enumeration from ${ip}${on}`,
        summary: `${names.length} distinct invalid user names tried from ${ip}${on} within ${settings.windowSec} s (threshold ${settings.count}): ${names.join(', ')}.`,
        hits,
      }),
    );
  }

  private sudo(
    event: Extract<AuthEvent, { kind: 'sudo_failure' | 'sudo_attempts' }>,
    ctx: Context,
    config: Config['detection'],
    found: Detection[],
  ): void {
    const settings = config.sudoFailures;
    if (!settings.enabled) return;
    const store = this.windows.sudo_failures;
    const key = keyOf(ctx.host, event.user);
    const windowMs = settings.windowSec * 1000;
    const time = ctx.record.time;
    let hitsToAdd: number;
    if (event.kind === 'sudo_failure') {
      hitsToAdd = 1;
      store.setPending(key, store.pending(key, time, windowMs) + 1, time);
    } else {
      // sudo logs one PAM failure per attempt, then "N incorrect password attempts" for the
      // whole session: count only the attempts the PAM lines did not already count.
      hitsToAdd = Math.max(0, event.attempts - store.pending(key, time, windowMs));
      store.setPending(key, 0, time);
    }
    // A summary line of a large N adds at most `count` hits: the window keeps no more anyway.
    hitsToAdd = Math.min(hitsToAdd, settings.count);
    let fired: Hit[] | null = null;
    for (let i = 0; i < hitsToAdd; i++) {
      fired = store.hit(key, this.hitOf(ctx, event.user, i === hitsToAdd - 1), threshold(settings)) ?? fired;
    }
    if (!fired) return;
    const on = ctx.host ? ` on ${ctx.host}` : '';
    found.push(
      this.detection('sudo_failures', 'high', ctx, {
        host: ctx.host,
        user: event.user,
        ip: null,
        title: `Repeated sudo failures by ${event.user}${on}`,
        summary: `${fired.length} failed sudo authentications by ${event.user}${on} within ${settings.windowSec} s (threshold ${settings.count}).`,
        hits: fired,
      }),
    );
  }

  private offHours(
    user: string,
    ip: string,
    ctx: Context,
    config: Config['detection'],
    found: Detection[],
  ): void {
    const settings = config.offHours;
    if (!settings.enabled) return;
    const { timeZone } = this.options.settings();
    const minute = this.localMinute(ctx.record.time, timeZone);
    const start = minutesOf(settings.start);
    const end = minutesOf(settings.end);
    // start inclusive, end exclusive; a window past midnight (22:00-06:00) wraps.
    const inside = start <= end ? minute >= start && minute < end : minute >= start || minute < end;
    if (!inside) return;
    const on = ctx.host ? ` on ${ctx.host}` : '';
    const clock = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    found.push(
      this.detection('off_hours_login', 'medium', ctx, {
        host: ctx.host,
        user,
        ip,
        title: `Off-hours login by ${user}${on}`,
        summary: `Successful SSH login by ${user} from ${ip}${on} at ${clock} (${timeZone}), inside off-hours ${settings.start}-${settings.end}.`,
        hits: [this.hitOf(ctx, user)],
      }),
    );
  }

  private signatureRules(ctx: Context, found: Detection[]): void {
    const { record } = ctx;
    const message = record.message.slice(0, SCAN_CHARS);
    const url = record.url?.slice(0, SCAN_CHARS) ?? null;
    const ip = record.sourceIp ?? null;
    const from = ip ? ` from ${ip}` : '';
    const against = ` against ${record.service}${ctx.host ? ` on ${ctx.host}` : ''}`;
    const common = {
      host: ctx.host,
      user: record.user ?? null,
      ip,
      hits: [this.hitOf(ctx, record.user ?? '')],
    };
    if (hasSqlInjection(message) || (url !== null && hasSqlInjection(url))) {
      found.push(
        this.detection('sql_injection', 'high', ctx, {
          ...common,
          title: `SQL injection attempt${from}${against}`,
          summary: `The ${url !== null && hasSqlInjection(url) ? 'request URL' : 'message'} carries an SQL injection pattern.`,
        }),
      );
    }
    if (hasPathTraversal(message) || (url !== null && hasPathTraversal(url, true))) {
      found.push(
        this.detection('path_traversal', 'high', ctx, {
          ...common,
          title: `Path traversal attempt${from}${against}`,
          summary: `The ${url !== null && hasPathTraversal(url, true) ? 'request URL' : 'message'} climbs out of its directory.`,
        }),
      );
    }
  }

  private hitOf(ctx: Context, label = '', withLine = true): Hit {
    return { time: ctx.record.time, label, line: withLine ? ctx.line : null };
  }

  private detection(
    rule: DetectionRule,
    severity: Severity,
    ctx: Context,
    found: {
      host: string | null;
      user: string | null;
      ip: string | null;
      title: string;
      summary: string;
      hits: Hit[];
    },
  ): Detection {
    const evidence = found.hits.flatMap((h) => (h.line === null ? [] : [h.line])).slice(-EVIDENCE_LINES);
    // Service-wide rules have no host of their own: the service stands in its place so the fingerprint is stable.
    const fingerprintHost = rule === 'http_5xx_burst' ? ctx.record.service : (found.host ?? '');
    const users = [...new Set([found.user, ...found.hits.map((h) => h.label)])].filter((u): u is string =>
      Boolean(u),
    );
    return {
      rule,
      severity,
      title: found.title,
      summary: found.summary,
      evidence,
      host: found.host,
      user: found.user,
      users,
      ip: found.ip,
      service: ctx.record.service,
      url: ctx.record.url ?? null,
      time: ctx.record.time,
      fingerprint: ['rule', rule, fingerprintHost, found.user ?? '', found.ip ?? ''].join('|'),
      mitre: MITRE[rule],
    };
  }

  /** Minutes after local midnight in `timeZone`; an unknown zone falls back to UTC once, loudly. */
  private localMinute(time: number, timeZone: string): number {
    let format = this.formats.get(timeZone);
    if (!format) {
      try {
        format = new Intl.DateTimeFormat('en-GB', {
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
          ...(timeZone === 'local' ? {} : { timeZone }),
        });
      } catch {
        if (!this.badZones.has(timeZone)) {
          this.badZones.add(timeZone);
          this.options.logger?.warn('unknown time zone for off-hours; using UTC', { timeZone });
        }
        format = new Intl.DateTimeFormat('en-GB', {
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
          timeZone: 'UTC',
        });
      }
      this.formats.set(timeZone, format);
    }
    const parts = format.formatToParts(time);
    const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
    const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
    return hour * 60 + minute;
  }
}

interface Context {
  record: LogRecord;
  host: string | null;
  line: string;
}

function threshold(settings: { count: number; windowSec: number }): Threshold {
  return { count: settings.count, windowMs: settings.windowSec * 1000 };
}

function keyOf(...parts: (string | null)[]): string {
  return parts.map((p) => p ?? '').join('\n');
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function evidenceLine(record: LogRecord): string {
  const when = Number.isFinite(record.time) ? new Date(record.time).toISOString() : '-';
  const status =
    record.statusCode !== null && record.statusCode !== undefined ? ` [${record.statusCode}]` : '';
  const url = record.url ? ` ${record.url}` : '';
  const line = `${when} ${record.service}${status}: ${record.message}${url}`.replace(/[\r\n]+/g, ' ');
  return line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line;
}
