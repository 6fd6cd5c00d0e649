import type { ReactNode } from 'react';

import type { ChannelView, SourceView } from '../../../shared/ipc/contract';
import type { LoadState } from '../store';
import { formatCount } from '../lib/format';
import { ErrorNotice } from './ErrorNotice';
import { TimeAgo } from './TimeAgo';

type Badge = 'ok' | 'running' | 'idle' | 'error' | 'degraded' | 'disabled';

const BADGE_LABEL: Record<Badge, string> = {
  ok: 'OK',
  running: 'Running',
  idle: 'Idle',
  error: 'Error',
  degraded: 'Degraded',
  disabled: 'Disabled',
};

export function sourceBadge(source: SourceView): Badge {
  if (!source.enabled) return 'disabled';
  return source.health.state === 'disabled' ? 'disabled' : source.health.state;
}

/**
 * A channel is in error when messages died or its last error is newer than
 * its last delivery; degraded while messages wait behind a failure.
 */
export function channelBadge(channel: ChannelView): Badge {
  if (!channel.enabled) return 'disabled';
  const { lastDelivery, lastErrorAt, dead, pending } = channel.health;
  const failingNow = lastErrorAt !== null && (lastDelivery === null || lastErrorAt > lastDelivery);
  if (dead > 0 || (failingNow && pending === 0)) return 'error';
  if (failingNow) return 'degraded';
  return lastDelivery ? 'ok' : 'idle';
}

function HealthBadge({ badge, title }: { badge: Badge; title?: string }) {
  return (
    <span className={`health health-${badge} dash-badge`} title={title} data-testid="dash-health-badge">
      <span className="health-dot" aria-hidden="true" />
      {BADGE_LABEL[badge]}
    </span>
  );
}

function HealthCard({
  title,
  state,
  error,
  onRetry,
  empty,
  children,
  testId,
}: {
  title: string;
  state: LoadState;
  error: string | null;
  onRetry: () => void;
  empty: string | null;
  children: ReactNode;
  testId: string;
}) {
  return (
    <section className="dash-card dash-health" aria-label={title} data-testid={testId}>
      <h2 className="dash-card-title">{title}</h2>
      {state === 'error' ? (
        <ErrorNotice
          title={`Could not load ${title.toLowerCase()}`}
          message={error ?? 'Unknown error'}
          onRetry={onRetry}
        />
      ) : state !== 'ready' && empty === null ? (
        <p className="muted">Loading…</p>
      ) : empty !== null ? (
        <p className="muted">{empty}</p>
      ) : (
        children
      )}
    </section>
  );
}

export function SourceHealthCard({
  sources,
  state,
  error,
  onRetry,
}: {
  sources: readonly SourceView[];
  state: LoadState;
  error: string | null;
  onRetry: () => void;
}) {
  const empty =
    state === 'ready' && sources.length === 0
      ? 'No sources yet. Add one in Sources, or start the demo feed.'
      : null;
  return (
    <HealthCard
      title="Sources"
      state={state}
      error={error}
      onRetry={onRetry}
      empty={empty}
      testId="dash-sources"
    >
      <table className="dash-table">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">State</th>
            <th scope="col">Last success</th>
            <th scope="col" className="num">
              Events
            </th>
          </tr>
        </thead>
        <tbody>
          {sources.map((source) => {
            const badge = sourceBadge(source);
            return (
              <tr key={source.id} data-testid="dash-source" data-id={source.id} data-state={badge}>
                <td>
                  <div className="dash-name">{source.name}</div>
                  <div className="muted small">{source.kind}</div>
                </td>
                <td>
                  <HealthBadge badge={badge} />
                  {source.health.lastError && badge === 'error' && (
                    <div className="dash-error small">{source.health.lastError}</div>
                  )}
                </td>
                <td>
                  <TimeAgo iso={source.health.lastSuccess} />
                </td>
                <td className="num mono">{formatCount(source.health.eventsTotal)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </HealthCard>
  );
}

export function ChannelHealthCard({
  channels,
  state,
  error,
  onRetry,
}: {
  channels: readonly ChannelView[];
  state: LoadState;
  error: string | null;
  onRetry: () => void;
}) {
  const empty =
    state === 'ready' && channels.length === 0
      ? 'No notification channels yet. Add Telegram, Teams, e-mail or others in Channels.'
      : null;
  return (
    <HealthCard
      title="Channels"
      state={state}
      error={error}
      onRetry={onRetry}
      empty={empty}
      testId="dash-channels"
    >
      <table className="dash-table">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">State</th>
            <th scope="col">Last delivery</th>
            <th scope="col" className="num">
              Waiting
            </th>
          </tr>
        </thead>
        <tbody>
          {channels.map((channel) => {
            const badge = channelBadge(channel);
            const { health } = channel;
            return (
              <tr key={channel.id} data-testid="dash-channel" data-id={channel.id} data-state={badge}>
                <td>
                  <div className="dash-name">{channel.name}</div>
                  <div className="muted small">{channel.kind}</div>
                </td>
                <td>
                  <HealthBadge badge={badge} />
                  {health.lastError && (badge === 'error' || badge === 'degraded') && (
                    <div className="dash-error small">{health.lastError}</div>
                  )}
                </td>
                <td>
                  <TimeAgo iso={health.lastDelivery} />
                </td>
                <td className="num mono" title={`${String(health.dead)} dead, ${String(health.held)} held`}>
                  {formatCount(health.pending)}
                  {health.dead > 0 && <span className="text-danger"> · {formatCount(health.dead)} dead</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </HealthCard>
  );
}
