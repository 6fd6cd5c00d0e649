import type { ChannelView } from '../../../shared/ipc/contract';
import { formatAbsolute, formatCount } from '../lib/format';
import type { ChannelAction, ChannelTestResult } from '../store/channels-slice';
import { CHANNEL_KIND_LABEL } from './ChannelForm';
import { ResultRow } from './ResultLine';
import { RowActions } from './RowActions';
import { SeverityBadge } from './SeverityBadge';
import { TimeAgo } from './TimeAgo';

/** Columns of the channels table, for the result line that spans them. */
export const CHANNEL_COLUMNS = 7;

/** Which panel a row button opens. */
export type ChannelPanel = 'outbox' | 'chats';

interface ChannelRowProps {
  channel: ChannelView;
  /** The enabled toggle is on its way to the core. */
  toggling: boolean;
  running: ChannelAction | undefined;
  result: ChannelTestResult | undefined;
  onToggle: (id: string, enabled: boolean) => Promise<void>;
  onEdit: (channel: ChannelView, opener: HTMLElement) => void;
  onOpenPanel: (channel: ChannelView, panel: ChannelPanel, opener: HTMLElement) => void;
  onTest: (id: string) => Promise<void>;
  onRemove: (id: string) => Promise<boolean>;
  onDismissResult: (id: string) => void;
}

type HealthState = 'ok' | 'error' | 'idle' | 'disabled';

/** The row's one-word verdict: a failure newer than the last delivery (or a dead letter) is an error. */
export function channelHealthState(channel: ChannelView): HealthState {
  const { health } = channel;
  if (!channel.enabled) return 'disabled';
  const failedAt = health.lastErrorAt ? Date.parse(health.lastErrorAt) : 0;
  const deliveredAt = health.lastDelivery ? Date.parse(health.lastDelivery) : 0;
  if (health.dead > 0 || (failedAt > 0 && failedAt >= deliveredAt)) return 'error';
  return deliveredAt > 0 ? 'ok' : 'idle';
}

const HEALTH_LABEL: Record<HealthState, string> = {
  ok: 'delivering',
  error: 'failing',
  idle: 'nothing sent yet',
  disabled: 'disabled',
};

/** One channel: its delivery health, its settings at a glance, and what an analyst can do with it. */
export function ChannelRow({
  channel,
  toggling,
  running,
  result,
  onToggle,
  onEdit,
  onOpenPanel,
  onTest,
  onRemove,
  onDismissResult,
}: ChannelRowProps) {
  const { health } = channel;
  const busy = running !== undefined;
  const state = channelHealthState(channel);

  return (
    <>
      <tr data-testid="channel-row" data-id={channel.id} data-kind={channel.kind}>
        <td>
          <div>{channel.name}</div>
          <div className="mono muted small">{channel.id}</div>
        </td>
        <td>{CHANNEL_KIND_LABEL[channel.kind]}</td>
        <td>
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={channel.enabled}
              disabled={toggling}
              onChange={(e) => void onToggle(channel.id, e.target.checked)}
              aria-label={`${channel.enabled ? 'Disable' : 'Enable'} ${channel.name}`}
              data-testid="channel-enabled"
            />
            <span className="switch-track" aria-hidden="true" />
          </label>
        </td>
        <td>
          <span title={`${channel.minSeverity} and above`}>
            <SeverityBadge severity={channel.minSeverity} />
            {channel.minSeverity !== 'critical' && <span className="muted small"> +</span>}
          </span>
        </td>
        <td>
          <span
            className={`channel-mask ${channel.mask ? 'channel-mask-on' : 'channel-mask-off'}`}
            title={
              channel.mask
                ? 'Host names, users and IPs are replaced by pseudonyms'
                : 'Real host names, users and IPs are sent'
            }
            data-testid="channel-mask"
            data-mask={channel.mask ? 'on' : 'off'}
          >
            {channel.mask ? 'Masked' : 'Real values'}
          </span>
        </td>
        <td className="channel-health-cell">
          <span className={`health health-${state}`} data-testid="channel-health" data-state={state}>
            <span className="health-dot" aria-hidden="true" />
            {HEALTH_LABEL[state]}
          </span>
          <div className="small muted" data-testid="channel-delivered">
            {formatCount(health.deliveredTotal)} delivered
            {health.lastDelivery && (
              <>
                {' · last '}
                <TimeAgo iso={health.lastDelivery} />
              </>
            )}
          </div>
          <div
            className="channel-counts small"
            data-testid="channel-counts"
            data-pending={health.pending}
            data-held={health.held}
            data-dead={health.dead}
          >
            <span className={health.pending > 0 ? 'text-warn' : 'muted'}>{health.pending} pending</span>
            <span className="muted"> · </span>
            <span className={health.held > 0 ? 'channel-held' : 'muted'}>{health.held} held</span>
            <span className="muted"> · </span>
            <span className={health.dead > 0 ? 'text-danger' : 'muted'}>{health.dead} dead</span>
          </div>
          {health.lastError && (
            <details className="last-error cell-error" data-testid="channel-last-error">
              <summary title={health.lastError}>
                <span className="last-error-text">{health.lastError}</span>
              </summary>
              {health.lastErrorAt && (
                <p className="muted small">
                  at <time dateTime={health.lastErrorAt}>{formatAbsolute(health.lastErrorAt)}</time>
                </p>
              )}
            </details>
          )}
        </td>
        <td className="source-actions-cell">
          <RowActions
            name={channel.name}
            testIdPrefix="channel"
            confirmText="Remove? Queued messages will not be sent."
            running={running}
            onRemove={() => onRemove(channel.id)}
          >
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Send a test message to ${channel.name}`}
              disabled={busy}
              onClick={() => void onTest(channel.id)}
              data-testid="channel-test"
            >
              {running === 'test' ? 'Sending…' : 'Send test'}
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Edit ${channel.name}`}
              onClick={(e) => {
                onEdit(channel, e.currentTarget);
              }}
              data-testid="channel-edit"
            >
              Edit
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Outbox of ${channel.name}`}
              aria-haspopup="dialog"
              onClick={(e) => {
                onOpenPanel(channel, 'outbox', e.currentTarget);
              }}
              data-testid="channel-outbox"
            >
              Outbox
              {health.pending + health.dead > 0 && (
                <span className="channel-outbox-count" aria-hidden="true">
                  {health.pending + health.dead}
                </span>
              )}
            </button>
            {channel.kind === 'telegram' && (
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Telegram chats of ${channel.name}`}
                aria-haspopup="dialog"
                onClick={(e) => {
                  onOpenPanel(channel, 'chats', e.currentTarget);
                }}
                data-testid="channel-chats"
              >
                Chats
              </button>
            )}
          </RowActions>
        </td>
      </tr>
      <ResultRow
        id={channel.id}
        columns={CHANNEL_COLUMNS}
        testIdPrefix="channel"
        pending={running === 'test' ? 'Sending a test message…' : null}
        result={result}
        text={result ? describeTestResult(result) : ''}
        onDismiss={() => {
          onDismissResult(channel.id);
        }}
      />
    </>
  );
}

/** The outcome of Send test as one sentence an analyst can act on. */
export function describeTestResult(result: ChannelTestResult): string {
  const parts = [result.ok ? 'Test sent' : 'Test failed'];
  if (result.message) parts.push(result.message);
  if (result.latencyMs !== null) parts.push(`${String(result.latencyMs)} ms`);
  return parts.join(' · ');
}
