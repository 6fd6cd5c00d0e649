/**
 * Where a message's "Open in Vigil" link points: the console's address as
 * people reach it (VIGIL_PUBLIC_URL, e.g. behind a TLS proxy), else the
 * address the UI listens on, with the incident route the renderer opens
 * (`#/incidents/<id>`, renderer/src/lib/route.ts).
 */
export function incidentUrl(base: string | null | undefined, incidentId: string): string | null {
  if (!base) return null;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return `${url.origin}${path}#/incidents/${encodeURIComponent(incidentId)}`;
}
