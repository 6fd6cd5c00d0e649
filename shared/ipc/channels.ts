/**
 * Transport names derived from the contract. Kept free of zod so the sandboxed
 * preload bundle stays tiny; a unit test keeps these lists equal to the
 * contract's keys.
 */
export const RPC_PREFIX = 'rpc:';
export const EVENT_PREFIX = 'event:';

export const RPC_METHODS = [
  'system.status',
  'setup.get',
  'setup.startDemo',
  'setup.finish',
  'incidents.list',
  'incidents.get',
  'incidents.setStatus',
  'incidents.assign',
  'incidents.bulkUpdate',
  'incidents.export',
  'reports.shift',
  'dashboard.stats',
  'logs.tail',
  'webhook.revealToken',
  'webhook.rotateToken',
  'sources.list',
  'sources.setEnabled',
  'sources.upsert',
  'sources.remove',
  'sources.test',
  'sources.pollNow',
  'backup.run',
  'backup.list',
  'backup.restore',
  'config.importSeed',
  'channels.list',
  'channels.upsert',
  'channels.remove',
  'channels.test',
  'channels.outbox',
  'channels.retry',
  'silences.add',
  'silences.remove',
  'whatsapp.sessions',
  'whatsapp.connect',
  'whatsapp.qr',
  'whatsapp.groups',
  'telegram.chats',
  'telegram.decide',
  'settings.get',
  'settings.update',
  'ai.analyze',
  'ai.test',
  'ai.status',
] as const;

export const PUSH_EVENTS = [
  'incidents.changed',
  'incidents.analysis',
  'incidents.exportProgress',
  'sources.changed',
  'channels.changed',
  'whatsapp.status',
  'system.counts',
  'backup.progress',
  'backup.restored',
  'ui.focusIncident',
] as const;

export function rpcChannel(method: string): string {
  return `${RPC_PREFIX}${method}`;
}

export function eventChannel(event: string): string {
  return `${EVENT_PREFIX}${event}`;
}
