/** Ids of sources and channels: what the config schema accepts. */
export const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
export const ID_MAX = 64;

/**
 * An id from a name: lower-case letters, digits and dashes, unique among
 * `taken`. A name in another script (Cyrillic, say) leaves nothing, so
 * `fallback` (the kind) still makes a readable id.
 */
export function deriveIdFromName(name: string, fallback: string, taken: ReadonlySet<string>): string {
  if (!name.trim()) return '';
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ID_MAX)
    .replace(/-+$/, '');
  const base = slug || fallback;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${String(n)}`;
    const candidate = `${base.slice(0, ID_MAX - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** What is wrong with a new item's id, if anything; `noun` is "source" or "channel". */
export function idError(raw: string, taken: ReadonlySet<string>, noun: string): string | undefined {
  const id = raw.trim();
  if (!id) return 'required';
  if (id.length > ID_MAX) return `at most ${String(ID_MAX)} characters`;
  if (!ID_PATTERN.test(id)) return 'use letters, digits, "-" and "_" only';
  if (taken.has(id)) return `another ${noun} already uses this id`;
  return undefined;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
