/**
 * The seam between the generic poller and one vendor's API. A client fetches
 * one page after a cursor and maps it to ingest inputs (each with the vendor's
 * event id as dedupKey); the poller owns scheduling, backoff, committing the
 * events together with the new cursor, and health.
 */
import type { SourceConfig } from '../../../shared/config';
import type { Incident, SourceRef } from '../../../shared/domain';
import type { Decision } from '../incidents/incident-actions';
import type { Clock } from '../clock';
import type { IngestInput } from '../ingest/ingestor';
import type { Logger } from '../logger';

export interface VendorContext {
  /** Aborted when the source is stopped or reconfigured. */
  signal: AbortSignal;
  clock: Clock;
  logger: Logger;
}

export interface PollPage {
  events: IngestInput[];
  /** The cursor to persist once these events are committed. */
  cursor: string | null;
  /** True when the vendor has more pages right now. */
  more: boolean;
}

export interface VendorClient {
  /** One page of events after `cursor` (null on the very first poll). */
  poll(cursor: string | null, ctx: VendorContext): Promise<PollPage>;
  /** Checks address and credentials; resolves to a short description ("12 threats visible"). */
  test(ctx: VendorContext): Promise<string>;
  /**
   * Writes an analyst's decision back to the product (a MaxPatrol transition,
   * a SentinelOne incident status and verdict); resolves to a line for the
   * timeline. Absent when the product has no such API.
   */
  applyDecision?(incident: Incident, decision: Decision, ctx: VendorContext): Promise<string>;
}

export interface VendorDeps {
  /** Resolves a secret field (`${ENV}` or `secret:`) to its value. */
  secret(value: string | undefined): string | undefined;
  /** The source reference to stamp on every ingest input. */
  ref: SourceRef;
  /** Settings shared by all vendors (e.g. the time zone incidents are shown in). */
  timeZone: string;
}

export type VendorFactory<K extends SourceConfig['kind']> = (
  source: Extract<SourceConfig, { kind: K }>,
  deps: VendorDeps,
) => VendorClient;
