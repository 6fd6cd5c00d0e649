/**
 * The incident list, triage actions and their contract handlers on a real
 * :memory: SQLite, behind the real dispatcher (so requests are validated and
 * answers shaped by the contract, as over IPC or HTTP). Write-backs are
 * recorded, not sent; every bus event is kept in `pushed`.
 */
import { Sanitizer } from '../../electron/core/sanitizer/sanitizer';
import { join } from 'node:path';

import type { ConfigInput } from '../../shared/config';
import type { Incident } from '../../shared/domain';
import type { EventName, MethodName, MethodResponse } from '../../shared/ipc/contract';
import { METHOD_NAMES } from '../../shared/ipc/contract';
import type { CallContext } from '../../electron/core/call-context';
import { ManualClock } from '../../electron/core/clock';
import { memoryBackend } from '../../electron/core/config/config-backend';
import { ConfigStore } from '../../electron/core/config/config-store';
import { createAnalysesRepo } from '../../electron/core/db/repos/analyses-repo';
import { createIncidentsRepo } from '../../electron/core/db/repos/incidents-repo';
import { createTimelineRepo } from '../../electron/core/db/repos/timeline-repo';
import { EventBus } from '../../electron/core/event-bus';
import type { Decision } from '../../electron/core/incidents/incident-actions';
import { IncidentActions } from '../../electron/core/incidents/incident-actions';
import { silentLogger } from '../../electron/core/logger';
import type { Handlers } from '../../electron/core/rpc/dispatcher';
import { createDispatcher } from '../../electron/core/rpc/dispatcher';
import { createIncidentHandlers } from '../../electron/core/rpc/incident-handlers';
import { createFileKeyCipher } from '../../electron/core/secrets/file-key-cipher';
import { createSecretStore } from '../../electron/core/secrets/secret-store';
import { tempDir } from './temp-dir';
import { memoryDb } from './test-db';

export const analyst: CallContext = { actor: 'ana', via: 'ui' };

export function triageHarness(options: { config?: ConfigInput; now?: string; writeBack?: boolean } = {}) {
  const dir = tempDir();
  const db = memoryDb();
  const clock = new ManualClock(Date.parse(options.now ?? '2026-11-21T10:00:00.000Z'));
  const bus = new EventBus();
  const pushed: { name: EventName; payload: unknown }[] = [];
  bus.on((name, payload) => pushed.push({ name, payload }));
  const secrets = createSecretStore(
    join(dir.path, 'secrets.json'),
    createFileKeyCipher(join(dir.path, 'key')),
  );
  const config = new ConfigStore(memoryBackend(options.config ?? {}), secrets, {}, silentLogger);
  const incidents = createIncidentsRepo(db);
  const timeline = createTimelineRepo(db);
  const analyses = createAnalysesRepo(db);
  let countPushes = 0;
  const writeBacks: { id: string; decision: Decision }[] = [];
  const actions = new IncidentActions({
    db,
    incidents,
    timeline,
    bus,
    clock,
    logger: silentLogger,
    onCountsChanged: () => countPushes++,
    writeBack: (incident, decision) => {
      if (!options.writeBack) return null;
      writeBacks.push({ id: incident.id, decision });
      return Promise.resolve(`status set to ${decision.status}`);
    },
  });
  const unreachable = () => {
    throw new Error('not under test');
  };
  const all = Object.fromEntries(METHOD_NAMES.map((m) => [m, unreachable])) as unknown as Handlers;
  const dispatch = createDispatcher(
    {
      ...all,
      ...createIncidentHandlers({
        db,
        // :memory: has no file for a second connection: exports read the main one.
        openReader: null,
        clock,
        incidents,
        actions,
        bus,
        masker: Sanitizer.alwaysOn(() => config.get().sanitizer),
      }),
    },
    silentLogger,
  );

  /** Calls a method through the dispatcher; resolves with its value, rejects with `code: message`. */
  async function call<M extends MethodName>(
    method: M,
    args: unknown,
    ctx = analyst,
  ): Promise<MethodResponse<M>> {
    const result = await dispatch(method, args, ctx);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.value as MethodResponse<M>;
  }

  return {
    db,
    clock,
    bus,
    pushed,
    config,
    incidents,
    timeline,
    analyses,
    actions,
    writeBacks,
    dispatch,
    call,
    countPushes: () => countPushes,
    insert(...list: Incident[]) {
      for (const incident of list) incidents.insert(incident);
    },
    /** Stores a finished AI analysis whose summary is `summary`. */
    summarize(incident: Incident, summary: string) {
      analyses.insert({
        incidentId: incident.id,
        fingerprint: incident.fingerprint,
        state: 'done',
        answer: { summary },
        map: {},
        model: 'test-model',
        promptTokens: 1,
        completionTokens: 1,
        latencyMs: 1,
        cached: false,
        error: null,
        createdAt: incident.lastSeen,
        finishedAt: incident.lastSeen,
      });
    },
    close() {
      db.close();
      dir.remove();
    },
  };
}
