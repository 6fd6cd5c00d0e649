/** Mattermost channel: being written; until then sending fails with a clear reason (and the outbox keeps the message). */
import { SourceError } from '../../sources/source-error';
import type { ChannelFactory } from '../channel-adapter';

export const createMattermostAdapter: ChannelFactory<'mattermost'> = () => ({
  sendsUpdates: false,
  send: () =>
    Promise.reject(new SourceError('http', 'mattermost notifications are not available in this version yet')),
});
