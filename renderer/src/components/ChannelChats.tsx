import { useState } from 'react';

import type { MethodResponse } from '../../../shared/ipc/contract';
import { formatAbsolute } from '../lib/format';
import { call, messageOf } from '../transport';
import { ErrorNotice } from './ErrorNotice';
import { useChannelRead } from './useChannelRead';

type Chat = MethodResponse<'telegram.chats'>[number];
type Decision = 'approved' | 'ignored' | 'blocked';

const DECISION_LABEL: Record<Decision, string> = { approved: 'Allow', ignored: 'Ignore', blocked: 'Block' };

/** What each list offers: a pending chat any decision, a decided one the way back. */
const CHOICES: Record<Chat['state'], Decision[]> = {
  pending: ['approved', 'ignored', 'blocked'],
  approved: ['blocked'],
  ignored: ['approved', 'blocked'],
  blocked: ['approved'],
};

const SECTIONS: { state: Chat['state']; title: string; empty: string }[] = [
  {
    state: 'pending',
    title: 'Waiting for a decision',
    empty: 'No requests. A chat asks by writing /start to the bot (or adding it to a group).',
  },
  {
    state: 'approved',
    title: 'Approved',
    empty: 'No approved chats: incidents go only to the configured chat.',
  },
  { state: 'blocked', title: 'Blocked', empty: 'No blocked chats.' },
  { state: 'ignored', title: 'Ignored', empty: 'No ignored requests.' },
];

const readChats = (channelId: string): Promise<Chat[]> => call('telegram.chats', { channelId });

/**
 * A Telegram channel's chats: requests to receive its messages, waiting for
 * Allow, Ignore or Block, and what was decided before (and by whom).
 */
export function ChannelChats({ channelId }: { channelId: string }) {
  const { data: chats, error, reload: load } = useChannelRead(channelId, readChats);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState('');

  const decide = async (chat: Chat, decision: Decision): Promise<void> => {
    setBusy(chat.chatId);
    try {
      const { ok } = await call('telegram.decide', { channelId, chatId: chat.chatId, decision });
      setNotice(ok ? `${chat.title}: ${decision}` : `${chat.title}: the bot did not accept the decision`);
    } catch (e) {
      setNotice(`${chat.title}: ${messageOf(e)}`);
    } finally {
      setBusy(null);
      load();
    }
  };

  return (
    <div className="channel-chats" data-testid="chats">
      {error && <ErrorNotice title="Could not read the chats" message={error} onRetry={load} />}
      <p className="small muted" role="status" aria-live="polite">
        {notice}
      </p>
      {!chats && !error && <p className="muted">Loading…</p>}
      {chats &&
        SECTIONS.map((section) => {
          const list = chats.filter((chat) => chat.state === section.state);
          if (section.state === 'ignored' && list.length === 0) return null;
          return (
            <section key={section.state} aria-label={section.title} data-testid={`chats-${section.state}`}>
              <h3 className="section-title">
                {section.title} <span className="muted">{list.length > 0 ? list.length : ''}</span>
              </h3>
              {list.length === 0 ? (
                <p className="muted small">{section.empty}</p>
              ) : (
                <ul className="channel-chat-list">
                  {list.map((chat) => (
                    <li
                      key={chat.chatId}
                      data-testid="chat-row"
                      data-chat={chat.chatId}
                      data-state={chat.state}
                    >
                      <div className="channel-chat-name">
                        <div>{chat.title}</div>
                        <div className="mono muted small">
                          {chat.chatId} · asked {formatAbsolute(chat.requestedAt)}
                          {chat.decidedAt &&
                            ` · ${chat.state} ${formatAbsolute(chat.decidedAt)}${chat.decidedBy ? ` by ${chat.decidedBy}` : ''}`}
                        </div>
                      </div>
                      <div className="source-actions">
                        {CHOICES[chat.state].map((decision) => (
                          <button
                            key={decision}
                            type="button"
                            className={`btn btn-small${decision === 'approved' ? ' btn-primary' : decision === 'blocked' ? ' btn-ghost btn-danger-text' : ''}`}
                            disabled={busy !== null}
                            aria-label={`${DECISION_LABEL[decision]} ${chat.title}`}
                            onClick={() => void decide(chat, decision)}
                            data-testid={`chat-${decision === 'approved' ? 'allow' : decision === 'ignored' ? 'ignore' : 'block'}`}
                          >
                            {DECISION_LABEL[decision]}
                          </button>
                        ))}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
    </div>
  );
}
