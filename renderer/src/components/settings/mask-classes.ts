/**
 * The kinds of value the sanitizer can mask, as settings list them
 * (`sanitizer.classes`; an empty list masks all). The renderer may not import
 * the core, so the list is repeated here; tests/unit/settings-panels.test.ts
 * keeps it equal to the core's MASK_CLASSES.
 */
export const MASK_CLASS_OPTIONS = [
  { value: 'host', label: 'Host names', example: 'WS-FIN-014 → HOST_1' },
  { value: 'user', label: 'User names', example: 'CORP\\jdoe → DOMAIN_1\\USER_1' },
  { value: 'ip', label: 'IP addresses', example: '10.1.2.3 → IP_1' },
  { value: 'domain', label: 'Internal domains', example: 'corp.local → DOMAIN_1' },
  { value: 'url', label: 'URLs', example: 'https://web01.corp.local/x → https://HOST_2.DOMAIN_2/x' },
  { value: 'path', label: 'File paths', example: 'C:\\Users\\jdoe\\a.exe → PATH_1.exe' },
  { value: 'email', label: 'E-mail addresses', example: 'j.doe@corp.local → EMAIL_1' },
  { value: 'mac', label: 'MAC addresses', example: '00:1a:2b:3c:4d:5e → MAC_1' },
  { value: 'sid', label: 'Windows SIDs', example: 'S-1-5-21-… → SID_1' },
  {
    value: 'cloud',
    label: 'Cloud accounts and resources',
    example: 'arn:aws:iam::123456789012:user/jdoe → arn:aws:iam::ACCOUNT_1:user/USER_1',
  },
  // Credentials are redacted whatever the list says; listed so the page shows it.
  {
    value: 'secret',
    label: 'Passwords, keys and tokens (always)',
    example: 'password=… → [REDACTED]',
    always: true,
  },
] as const satisfies readonly { value: string; label: string; example: string; always?: boolean }[];

/** Kinds masked whatever the settings say. */
export const ALWAYS_MASKED: readonly string[] = MASK_CLASS_OPTIONS.filter((o) => 'always' in o).map(
  (o) => o.value,
);

export type MaskClassOption = (typeof MASK_CLASS_OPTIONS)[number]['value'];

/** Allow-list text (one value per line) as the list settings store: trimmed, no blanks, no repeats. */
export function parseAllowList(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const value = line.trim();
    if (!value || seen.has(value.toLowerCase())) continue;
    seen.add(value.toLowerCase());
    out.push(value);
  }
  return out;
}
