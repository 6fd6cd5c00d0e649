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
