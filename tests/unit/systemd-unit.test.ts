/**
 * resources/linux/vigil.service: the keys that make it run the headless shell
 * as its own user with its data in /var/lib/vigil, and the hardening. Where
 * the machine has systemd-analyze, systemd itself checks the file too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

const UNIT = resolve(import.meta.dirname, '..', '..', 'resources', 'linux', 'vigil.service');

/** Section -> key -> every value given (systemd allows repeating a key). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    expect(eq, `not key=value: ${line}`).toBeGreaterThan(0);
    expect(current, `key outside a section: ${line}`).not.toBeNull();
    const key = line.slice(0, eq).trim();
    current!.set(key, [...(current!.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

const unit = parseUnit(readFileSync(UNIT, 'utf8'));
const service = unit.get('Service') ?? new Map<string, string[]>();
/** The value systemd uses: the last assignment. */
const value = (key: string) => service.get(key)?.at(-1);

describe('vigil.service', () => {
  it('has the three sections and starts with the system', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(unit.get('Unit')?.get('After')).toEqual(['network-online.target']);
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('runs the built headless shell as the vigil user with its data in /var/lib/vigil', () => {
    expect(value('User')).toBe('vigil');
    expect(value('Group')).toBe('vigil');
    expect(value('WorkingDirectory')).toBe('/opt/vigil');
    const exec = value('ExecStart')!.split(/\s+/);
    expect(exec[0]).toMatch(/^\/.*\/node$/);
    expect(exec[1]).toBe('/opt/vigil/out/main/server.js');
    expect(exec[exec.indexOf('--data-dir') + 1]).toBe('/var/lib/vigil');
    expect(exec[exec.indexOf('--host') + 1]).toBe('127.0.0.1');
    expect(value('StateDirectory')).toBe('vigil');
    expect(value('ReadWritePaths')).toBe('/var/lib/vigil');
    expect(value('UMask')).toBe('0077');
  });

  it('reads the PIN and API token from a root-only environment file and restarts on failure', () => {
    expect(service.get('EnvironmentFile')).toEqual(['-/etc/vigil/vigil.env']);
    expect(value('Restart')).toBe('on-failure');
    expect(value('RestartSec')).toMatch(/^\d+s?$/);
  });

  it('is hardened', () => {
    expect(Object.fromEntries([...service].map(([k, v]) => [k, v.at(-1)]))).toMatchObject({
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      ProtectKernelTunables: 'yes',
      ProtectKernelModules: 'yes',
      ProtectControlGroups: 'yes',
      RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
      RestrictNamespaces: 'yes',
      LockPersonality: 'yes',
      CapabilityBoundingSet: '',
    });
    expect(service.get('SystemCallFilter')?.[0]).toBe('@system-service');
    // V8's JIT needs pages that become executable after being written: W^X enforcement would break Node.
    expect(value('MemoryDenyWriteExecute')).toBe('no');
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  const hasAnalyze = analyze.status === 0;
  it.skipIf(!hasAnalyze)(
    'passes systemd-analyze verify (skipped where systemd-analyze is not installed)',
    () => {
      const run = spawnSync('systemd-analyze', ['verify', '--man=no', UNIT], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      const node = value('ExecStart')!.split(/\s+/)[0]!;
      // verify also checks that ExecStart's binary exists; Node may live elsewhere on this machine.
      const lines = `${run.stdout}${run.stderr}`
        .split('\n')
        .filter((line) => line.trim() !== '')
        .filter((line) => existsSync(node) || !line.includes(`Command ${node} is not executable`));
      // Unknown keys and bad values are only warnings with exit code 0, so the output must be empty too.
      expect(lines).toEqual([]);
      expect(existsSync(node) ? run.status : 0).toBe(0);
    },
  );

  it('is the file the README tells administrators to install', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain('resources/linux/vigil.service');
  });
});
