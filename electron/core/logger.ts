/**
 * Scoped, structured logging (STYLE.md §15). One sink per process writes
 * logs/all.log (everything), logs/error.log (warn and error) and
 * logs/success.log (entries marked success), rotating by size. Redaction
 * happens at the sink so no caller can forget it: registered secret values and
 * secret-looking keys are masked before anything is written.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** An outcome worth keeping in success.log (delivered, ingested, polled). */
  success(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export interface LogRecord {
  time: string;
  level: LogLevel;
  scope: string;
  message: string;
  success?: boolean;
  fields?: Record<string, unknown>;
}

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|pin$/i;
const MAX_FILE_BYTES = 10 * 1024 * 1024;
const KEEP_FILES = 5;

export class LogSink {
  private readonly secrets = new Set<string>();
  private readonly dir: string | null;
  private readonly minLevel: number;
  private readonly echo: ((line: string) => void) | null;

  constructor(options: { dir: string | null; level?: LogLevel; echo?: (line: string) => void }) {
    this.dir = options.dir;
    this.minLevel = LEVELS.indexOf(options.level ?? 'info');
    this.echo = options.echo ?? null;
    if (this.dir) mkdirSync(this.dir, { recursive: true });
  }

  /** Registers a secret value; every later record has it masked wherever it appears. */
  addSecret(value: string | undefined | null): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    }
    return out;
  }

  write(record: LogRecord): void {
    if (LEVELS.indexOf(record.level) < this.minLevel) return;
    const line = this.redact(JSON.stringify(record, redactKeys)) + '\n';
    this.echo?.(line);
    if (!this.dir) return;
    this.append('all.log', line);
    if (record.level === 'warn' || record.level === 'error') this.append('error.log', line);
    if (record.success) this.append('success.log', line);
  }

  private append(file: string, line: string): void {
    if (!this.dir) return;
    const path = join(this.dir, file);
    try {
      if (existsSync(path) && statSync(path).size + line.length > MAX_FILE_BYTES) rotate(path);
      appendFileSync(path, line, { mode: 0o600 });
    } catch {
      // A full disk must not take the product down with it; the record is lost, the app goes on.
    }
  }
}

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

function redactKeys(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key) && typeof value === 'string' && value.length > 0) return '[REDACTED]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

function rotate(path: string): void {
  for (let i = KEEP_FILES - 1; i >= 1; i--) {
    const from = `${path}.${i}`;
    if (existsSync(from)) renameSync(from, `${path}.${i + 1}`);
  }
  renameSync(path, `${path}.1`);
}

export function createLogger(sink: LogSink, scope: string, now: () => number = Date.now): Logger {
  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>, success?: boolean) => {
    const record: LogRecord = { time: new Date(now()).toISOString(), level, scope, message };
    if (success) record.success = true;
    if (fields && Object.keys(fields).length > 0) record.fields = fields;
    sink.write(record);
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    success: (m, f) => log('info', m, f, true),
    child: (child) => createLogger(sink, `${scope}.${child}`, now),
  };
}

/** For tests and callers that do not care. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  success: () => undefined,
  child: () => silentLogger,
};
