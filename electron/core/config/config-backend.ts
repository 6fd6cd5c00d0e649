/**
 * Where the config document lives. The desktop shell passes electron-store,
 * the headless shell conf (electron-store is built on conf, so both expose
 * `store`). The core validates every read and write against shared/config.ts.
 */
export interface ConfigBackend {
  /** The whole stored document (possibly empty on first run). */
  read(): unknown;
  /** Replaces the whole stored document. */
  write(document: unknown): void;
}

/** Adapts anything with a conf-style `store` property. */
export function storeBackend(store: { store: Record<string, unknown> }): ConfigBackend {
  return {
    read: () => store.store,
    write: (document) => {
      store.store = document as Record<string, unknown>;
    },
  };
}

/**
 * Opens a shell's config store (`open` constructs it, which reads `file`). A
 * file that is not JSON any more (a hand edit, a full disk) is refused with
 * its path and what to do, rather than the parser's bare message.
 */
export function openConfigStore<T>(file: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new Error(
      `${file} is not valid JSON (${error.message}): fix it, or put back a copy of it; ` +
        'the database, secrets and backups are untouched',
    );
  }
}

/** In memory: tests. */
export function memoryBackend(initial: unknown = {}): ConfigBackend & { document: unknown } {
  const backend = {
    document: structuredClone(initial),
    read: () => structuredClone(backend.document),
    write: (document: unknown) => {
      backend.document = structuredClone(document);
    },
  };
  return backend;
}
