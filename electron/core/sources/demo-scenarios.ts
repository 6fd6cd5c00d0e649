/**
 * Realistic incidents for the demo feed, in the shape each vendor would send,
 * so a newcomer sees the console working with no credentials. Hosts, users and
 * addresses are fictitious (example.com, documentation IP ranges).
 */
import type { Severity } from '../../../shared/domain';

export interface DemoScenario {
  vendor: 'sentinelone' | 'maxpatrol' | 'deepinstinct';
  title: string;
  severity: Severity;
  category: string;
  tactics: string[];
  techniques: string[];
  description: string;
  process?: string;
  file?: { path: string; sha256: string };
  withUser: boolean;
  withRemoteIp: boolean;
}

export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  {
    vendor: 'sentinelone',
    title: 'Credential dumping: Mimikatz executed',
    severity: 'critical',
    category: 'Credential Access',
    tactics: ['TA0006'],
    techniques: ['T1003.001'],
    description: 'lsass.exe memory read by an unsigned binary launched from a user temp folder.',
    process: 'mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit',
    file: {
      path: 'C:\\Users\\{user}\\AppData\\Local\\Temp\\m64.exe',
      sha256: '912018ab3c6b16b39ee84f17745ff0c80a33cee241013ec35d0281e40c0658d9',
    },
    withUser: true,
    withRemoteIp: false,
  },
  {
    vendor: 'deepinstinct',
    title: 'Ransomware behaviour: mass file encryption',
    severity: 'critical',
    category: 'Impact',
    tactics: ['TA0040'],
    techniques: ['T1486'],
    description: 'More than 400 files renamed to *.locked in 30 seconds on a file share.',
    process: 'svchost_.exe -k netsvcs',
    file: {
      path: '\\\\FS01\\finance$\\tools\\svchost_.exe',
      sha256: 'b1f2a0d6c1f5f3d2e4a7c9b8d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7',
    },
    withUser: true,
    withRemoteIp: false,
  },
  {
    vendor: 'maxpatrol',
    title: 'RDP brute force followed by successful logon',
    severity: 'high',
    category: 'Credential Access',
    tactics: ['TA0006', 'TA0001'],
    techniques: ['T1110.001', 'T1078'],
    description: '37 failed RDP logons from one external address, then a success for the same account.',
    withUser: true,
    withRemoteIp: true,
  },
  {
    vendor: 'sentinelone',
    title: 'Encoded PowerShell downloading a payload',
    severity: 'high',
    category: 'Execution',
    tactics: ['TA0002'],
    techniques: ['T1059.001', 'T1105'],
    description: 'powershell.exe started by WINWORD.EXE with -EncodedCommand fetching a remote script.',
    process: 'powershell.exe -NoP -W Hidden -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
    withUser: true,
    withRemoteIp: true,
  },
  {
    vendor: 'maxpatrol',
    title: 'Outbound connection to known C2 infrastructure',
    severity: 'high',
    category: 'Command and Control',
    tactics: ['TA0011'],
    techniques: ['T1071.001'],
    description: 'Beaconing every 60 s over HTTPS to an address listed in threat intelligence feeds.',
    withUser: false,
    withRemoteIp: true,
  },
  {
    vendor: 'deepinstinct',
    title: 'Malicious macro in Office document',
    severity: 'medium',
    category: 'Initial Access',
    tactics: ['TA0001'],
    techniques: ['T1566.001'],
    description: 'Static analysis classified an e-mail attachment as malicious; the file was quarantined.',
    file: {
      path: 'C:\\Users\\{user}\\Downloads\\Invoice_2291.docm',
      sha256: '4c1dd6b9a1a2e6f0c2b7d3e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8',
    },
    withUser: true,
    withRemoteIp: false,
  },
  {
    vendor: 'maxpatrol',
    title: 'Internal port scan',
    severity: 'medium',
    category: 'Discovery',
    tactics: ['TA0007'],
    techniques: ['T1046'],
    description: 'One workstation probed 1,024 ports on 40 internal hosts in five minutes.',
    withUser: false,
    withRemoteIp: false,
  },
  {
    vendor: 'maxpatrol',
    title: 'New member added to Domain Admins',
    severity: 'high',
    category: 'Persistence',
    tactics: ['TA0003', 'TA0004'],
    techniques: ['T1098'],
    description: 'Event 4728: an account was added to a privileged group outside a change window.',
    withUser: true,
    withRemoteIp: false,
  },
  {
    vendor: 'deepinstinct',
    title: 'Potentially unwanted application: cryptominer',
    severity: 'low',
    category: 'PUA',
    tactics: ['TA0040'],
    techniques: ['T1496'],
    description: 'A bundled miner was prevented from running.',
    file: {
      path: 'C:\\ProgramData\\updater\\xmrig.exe',
      sha256: '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
    },
    withUser: false,
    withRemoteIp: false,
  },
  {
    vendor: 'maxpatrol',
    title: 'Interactive logon outside business hours',
    severity: 'low',
    category: 'Initial Access',
    tactics: ['TA0001'],
    techniques: ['T1078'],
    description: 'A console logon at 03:12 local time by an account that usually works days.',
    withUser: true,
    withRemoteIp: false,
  },
  {
    vendor: 'sentinelone',
    title: 'Agent went offline',
    severity: 'info',
    category: 'Health',
    tactics: [],
    techniques: [],
    description: 'The endpoint agent has not reported for 30 minutes.',
    withUser: false,
    withRemoteIp: false,
  },
  {
    vendor: 'sentinelone',
    title: 'Suspicious scheduled task created',
    severity: 'medium',
    category: 'Persistence',
    tactics: ['TA0003'],
    techniques: ['T1053.005'],
    description: 'schtasks.exe created a task running a script from a user-writable folder at logon.',
    process:
      'schtasks.exe /Create /SC ONLOGON /TN "OneDrive Sync" /TR "wscript.exe C:\\Users\\Public\\s.vbs"',
    withUser: true,
    withRemoteIp: false,
  },
];

export const DEMO_HOSTS = [
  'WS-FIN-014.corp.example.com',
  'WS-HR-007.corp.example.com',
  'SRV-DC01.corp.example.com',
  'SRV-FS01.corp.example.com',
  'SRV-WEB02.dmz.example.com',
  'LT-DEV-221.corp.example.com',
];

export const DEMO_USERS = [
  'CORP\\j.smith',
  'CORP\\a.ivanova',
  'CORP\\svc_backup',
  'CORP\\m.garcia',
  'CORP\\admin.t',
];

export const DEMO_REMOTE_IPS = [
  '203.0.113.45',
  '198.51.100.23',
  '192.0.2.77',
  '2001:db8:85a3::8a2e:370:7334',
];

export const DEMO_INTERNAL_IPS = ['10.10.4.21', '10.10.8.3', '10.20.1.15', '172.16.5.40'];
