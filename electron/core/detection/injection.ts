/**
 * SQL injection and path traversal signatures for log messages and request
 * URLs. Each pattern needs the structure of an attack (a quote closing a
 * string before a tautology, UNION ... SELECT, a climb out of the web root to
 * a known file), not a bare keyword, so ordinary prose ("select an option",
 * "../lib" in a build log) does not fire.
 */

const SQLI: readonly RegExp[] = [
  /\bunion\s?(?:all\s?|distinct\s?)?\(?select\b/i,
  // A closed string followed by a tautology: ' or '1'='1, " OR "a"="a, ') or (1=1
  /['"`)]\s*(?:or|\|\|)\s*\(?\s*['"]?(\w+)['"]?\s*=\s*['"]?\1\b/i,
  /\b(?:or|and)\s+(\d+)\s*=\s*\1\b/i,
  // A closed string followed by a comment that cuts off the rest of the query: admin'--, 1');--
  /\w['"`]\)?;?--/,
  /;\s*(?:drop\s+(?:table|database|schema)|truncate\s+table|delete\s+from|insert\s+into|shutdown\b|exec(?:ute)?\s+(?:xp_|sp_))/i,
  /['"`]\s*\)?\s*(?:and|or|;|\|\||&&)\s*\(?\s*(?:select\s+)?(?:sleep|pg_sleep|benchmark)\s*\(/i,
  /\b(?:and|or)\s+(?:sleep|pg_sleep|benchmark)\s*\(\s*\d/i,
  /\bwaitfor\s+delay\s+'/i,
  /\bxp_cmdshell\b/i,
  /\b(?:load_file\s*\(|into\s+(?:out|dump)file\b)/i,
  /\/\*!\d*\s*(?:select|union|and|or)\b/i,
];

const SENSITIVE_TARGET =
  /(?:etc[/\\](?:passwd|shadow|group|hosts)\b|win\.ini\b|boot\.ini\b|system32\b|proc[/\\]self\b|\.ssh[/\\]|web\.config\b|\.htpasswd\b|\.env\b|\.git[/\\])/i;

// A climb written with any encoded part is never benign: ..%2f, %2e%2e/, %252e%252e%252f, overlong UTF-8.
const ENCODED_CLIMB =
  /(?:\.|%2e|%252e|%c0%ae|%e0%80%ae|%u002e)(?:\.|%2e|%252e|%c0%ae|%e0%80%ae|%u002e)(?:\/|\\|%2f|%5c|%252f|%255c|%c0%af|%c1%9c|%u2215|%u2216)/gi;

/**
 * Decodes percent-encoding repeatedly (double encoding is a classic evasion;
 * invalid escapes stay as written), turns inline SQL comments (used as spaces to dodge
 * filters) into spaces and collapses whitespace, so the patterns need no nested quantifiers that
 * could backtrack for long on hostile input.
 */
function normalize(text: string): string {
  let current = text;
  for (let i = 0; i < 3; i++) {
    const next = current.replace(/%([0-9a-f]{2})/gi, (whole, hex: string) => {
      const code = parseInt(hex, 16);
      // Only ASCII: multi-byte sequences are left to the encoded-traversal patterns.
      return code < 0x80 ? String.fromCharCode(code) : whole;
    });
    if (next === current) break;
    current = next;
  }
  return current
    .replace(/\+/g, ' ')
    .replace(/\/\*(?!!)[^*]*\*\//g, ' ')
    .replace(/\s+/g, ' ');
}

/** True when the text carries an SQL injection attempt. */
export function hasSqlInjection(text: string): boolean {
  const decoded = normalize(text);
  return SQLI.some((pattern) => pattern.test(decoded));
}

/**
 * True when the text carries a path traversal attempt. `isUrl` marks a request
 * URL, where any `../` is an attack (clients normalise dot segments away); in
 * free text a climb counts only when encoded, when it reaches a known
 * sensitive file, or when it is a parameter value or request line at least
 * two levels deep.
 */
export function hasPathTraversal(text: string, isUrl = false): boolean {
  for (const match of text.matchAll(ENCODED_CLIMB)) if (match[0].includes('%')) return true;
  const decoded = normalize(text);
  if (isUrl && /\.\.[/\\]/.test(decoded)) return true;
  const climb = /(?:\.\.[/\\])+/.exec(decoded);
  if (climb && SENSITIVE_TARGET.test(decoded.slice(climb.index))) return true;
  if (/[=?&]\s*(?:\.\.[/\\]){2,}/.test(decoded)) return true;
  if (/\b(?:GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH)\s+\S*?(?:\.\.[/\\]){2,}/.test(decoded)) return true;
  if (/[=?&]\s*\/etc\/(?:passwd|shadow)\b/.test(decoded)) return true;
  return false;
}
