/**
 * The config document, validated on every read and write. Literal secrets are
 * moved into the SecretStore as soon as they arrive and replaced by a
 * `secret:<key>` reference, so the stored document never holds one in plain
 * text; `${ENV_NAME}` references stay as written and resolve at use.
 */
import type { Config } from '../../../shared/config';
import { ConfigError, SECRET_PATHS, parseConfig } from '../../../shared/config';
import type { Logger } from '../logger';
import type { SecretStore } from '../secrets/secret-store';
import type { ConfigBackend } from './config-backend';

const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const SECRET_REF = 'secret:';
/** The first part of the keys config fields store their secrets under (`sources/<id>/apiToken`). */
const CONFIG_SECRET_ROOTS = new Set(SECRET_PATHS.map((pattern) => pattern.split('.')[0]!));

type Listener = (config: Config) => void;

export class ConfigStore {
  private current: Config;
  private readonly listeners = new Set<Listener>();
  private readonly warnedUnset = new Set<string>();

  constructor(
    private readonly backend: ConfigBackend,
    private readonly secrets: SecretStore,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logger: Logger,
  ) {
    this.current = this.commit(backend.read() ?? {});
  }

  get(): Config {
    return this.current;
  }

  /**
   * Applies a change to a copy of the document; if the result does not
   * validate, nothing is written and a ConfigError names the bad keys.
   */
  update(mutate: (draft: Config) => void): Config {
    const draft = structuredClone(this.current);
    mutate(draft);
    this.current = this.commit(draft);
    for (const listener of this.listeners) listener(this.current);
    return this.current;
  }

  /**
   * Applies a document over the stored one (the headless shell's --config):
   * what it names replaces what is stored, everything else stays, so
   * settings made in the app, stored secrets and the PIN survive a restart
   * with the same file. See `overlay` for how lists merge.
   */
  applyOver(document: unknown): Config {
    if (document === null || typeof document !== 'object' || Array.isArray(document))
      throw new ConfigError('(root): must be a JSON object');
    this.current = this.commit(overlay(this.current, document));
    for (const listener of this.listeners) listener(this.current);
    return this.current;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The usable value of a secret field: env references and stored secrets resolved. */
  resolveSecret(value: string | undefined): string | undefined {
    if (!value) return undefined;
    const env = ENV_REF.exec(value);
    if (env) {
      const name = env[1]!;
      const resolved = this.env[name];
      // Once per variable: secrets are resolved per use (a webhook token per request).
      if (!resolved && !this.warnedUnset.has(name)) {
        this.warnedUnset.add(name);
        this.logger.warn('config names an unset or empty environment variable', { name });
      }
      return resolved || undefined;
    }
    if (value.startsWith(SECRET_REF)) return this.secrets.get(value.slice(SECRET_REF.length));
    return value;
  }

  /** The variable a `${ENV_NAME}` value names; null for any other value. */
  envReference(value: string | undefined): string | null {
    return (value && ENV_REF.exec(value)?.[1]) ?? null;
  }

  /** Stores a secret for a field and returns the reference to put in the document. */
  storeSecret(key: string, value: string): string {
    this.secrets.set(key, value);
    return `${SECRET_REF}${key}`;
  }

  private commit(document: unknown): Config {
    const config = parseConfig(document);
    this.sealSecrets(config);
    this.backend.write(config);
    this.dropUnreferencedSecrets(config);
    return config;
  }

  /**
   * Deletes the stored secrets of fields the document no longer refers to (a
   * removed source's API token, a channel's old password), after the
   * document is written, so a crash between the two leaves a spare secret,
   * never a reference to a missing one. Secrets outside the config's fields
   * (the headless shell's API token) are not the document's to drop.
   */
  private dropUnreferencedSecrets(config: Config): void {
    const referenced = new Set<string>();
    for (const pattern of SECRET_PATHS) {
      forEachSecretField(config, pattern, (holder, field) => {
        const value = holder[field];
        if (typeof value === 'string' && value.startsWith(SECRET_REF))
          referenced.add(value.slice(SECRET_REF.length));
      });
    }
    for (const key of this.secrets.keys()) {
      if (CONFIG_SECRET_ROOTS.has(key.split('/')[0]!) && !referenced.has(key)) this.secrets.delete(key);
    }
  }

  private sealSecrets(config: Config): void {
    for (const pattern of SECRET_PATHS) {
      forEachSecretField(config, pattern, (holder, field, key) => {
        const value = holder[field];
        if (value === undefined || value === null) return;
        if (typeof value !== 'string') throw new ConfigError(`${key.replaceAll('/', '.')}: must be a string`);
        if (value === '') {
          delete holder[field];
        } else if (!ENV_REF.test(value) && !value.startsWith(SECRET_REF)) {
          holder[field] = this.storeSecret(key, value);
        }
      });
    }
  }
}

/**
 * Calls `visit` for each object and field a SECRET_PATHS pattern names. Array
 * items are keyed by their `id` rather than their index so a secret follows
 * its source or channel when the list is reordered.
 */
function forEachSecretField(
  root: unknown,
  pattern: string,
  visit: (holder: Record<string, unknown>, field: string, key: string) => void,
): void {
  const parts = pattern.split('.');
  const walk = (node: unknown, index: number, keyParts: string[]): void => {
    if (node === null || typeof node !== 'object') return;
    const part = parts[index]!;
    if (index === parts.length - 1) {
      if (Object.hasOwn(node, part))
        visit(node as Record<string, unknown>, part, [...keyParts, part].join('/'));
      return;
    }
    if (part === '*') {
      if (!Array.isArray(node)) return;
      node.forEach((item: unknown, i) => {
        const id = item && typeof item === 'object' && 'id' in item ? String(item.id) : String(i);
        walk(item, index + 1, [...keyParts, id]);
      });
      return;
    }
    walk((node as Record<string, unknown>)[part], index + 1, [...keyParts, part]);
  };
  walk(root, 0, []);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A list of objects that each carry a string `id` (sources, channels, routing rules, silences). */
function isListById(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.every((item) => isPlainObject(item) && typeof item.id === 'string');
}

/**
 * `top` over `base`: objects merge key by key; in a list of items with ids
 * an item merges over the stored item with its id (new ids are added at the
 * end, stored ones the document does not name are kept, an item of another
 * `kind` replaces the stored one); any other value,
 * plain lists included, replaces. Own keys only, so `__proto__` in a
 * document is an unknown key for the schema to refuse, never a prototype.
 */
function overlay(base: unknown, top: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(top)) {
    const merged: Record<string, unknown> = { ...base };
    for (const key of Object.keys(top)) {
      const value = Object.hasOwn(base, key) ? overlay(base[key], top[key]) : top[key];
      Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return merged;
  }
  if (isListById(base) && isListById(top)) {
    const merged = [...base];
    for (const item of top) {
      const at = merged.findIndex((stored) => stored.id === item.id);
      if (at === -1) merged.push(item);
      // A source or channel of another kind shares none of its settings: it replaces the stored one.
      else if ('kind' in item && item.kind !== merged[at]!.kind) merged[at] = item;
      else merged[at] = overlay(merged[at], item) as Record<string, unknown>;
    }
    return merged;
  }
  return top;
}
