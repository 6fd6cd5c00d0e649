/**
 * WhatsApp channel: one text message per incident, through the QR-linked
 * gateway (to a phone or a group) or Meta's Cloud API (to a phone). WhatsApp
 * cannot edit a message from either, so updates are not followed up; a
 * severity raise arrives as a new message marked "Update". Messages from one
 * sender are spaced at least a second apart.
 */
import type { WhatsAppChannelConfig } from '../../../../shared/config';
import { SourceError } from '../../sources/source-error';
import type { ChannelAdapter, SendContext, SendReceipt } from '../channel-adapter';
import { cloudTextBody, explainCloudError, sendCloudText } from '../whatsapp/cloud-client';
import { MAX_TEXT, formatWhatsAppText } from '../whatsapp/format';
import { GatewayClient, explainGatewayError } from '../whatsapp/gateway-client';
import { parseTarget, targetAddress } from '../whatsapp/target';
import { SendThrottle } from '../whatsapp/throttle';

/**
 * The adapter for a WhatsApp channel. Pass one `throttle` shared by every
 * adapter the process creates so the spacing holds across sends; without it
 * the spacing holds only within this adapter.
 */
export function createWhatsAppAdapter(
  channel: WhatsAppChannelConfig,
  throttle: SendThrottle = new SendThrottle(),
): ChannelAdapter {
  return {
    sendsUpdates: false,
    send: (message, ctx) => {
      const text = formatWhatsAppText(message, MAX_TEXT);
      return channel.provider === 'cloud'
        ? sendViaCloud(channel, text, ctx, throttle)
        : sendViaGateway(channel, text, ctx, throttle);
    },
  };
}

async function sendViaGateway(
  channel: WhatsAppChannelConfig,
  text: string,
  ctx: SendContext,
  throttle: SendThrottle,
): Promise<SendReceipt> {
  if (!channel.bridgeUrl) {
    throw new SourceError('config', 'no gateway URL (bridgeUrl) is set for this WhatsApp channel');
  }
  const target = parseTarget(channel.target);
  const address = targetAddress(target);
  const client = new GatewayClient({
    bridgeUrl: channel.bridgeUrl,
    apiKey: ctx.secret(channel.apiKey),
    clock: ctx.clock,
  });
  const sender = `gateway|${channel.bridgeUrl}|${channel.session}`;
  await throttle.wait(sender, ctx.clock, ctx.signal);
  try {
    const result = await client.send(
      { number: address, message: text, session: channel.session },
      ctx.signal,
    );
    const to = target.kind === 'group' ? `group ${address}` : address;
    return {
      refs: result.id ? [{ address, ref: result.id }] : [],
      detail: `sent to ${to} via session ${channel.session}`,
    };
  } catch (error) {
    throw error instanceof SourceError ? explainGatewayError(error, channel.session) : error;
  } finally {
    throttle.sent(sender, ctx.clock);
  }
}

async function sendViaCloud(
  channel: WhatsAppChannelConfig,
  text: string,
  ctx: SendContext,
  throttle: SendThrottle,
): Promise<SendReceipt> {
  const accessToken = ctx.secret(channel.accessToken);
  if (!channel.phoneNumberId || !accessToken) {
    throw new SourceError(
      'config',
      'the Cloud API needs a phone number id (phoneNumberId) and an access token (accessToken)',
    );
  }
  const target = parseTarget(channel.target);
  if (target.kind === 'group') {
    throw new SourceError(
      'config',
      'the Cloud API cannot send to a group: set a phone number as the target, or use the gateway provider for groups',
    );
  }
  const sender = `cloud|${channel.cloudApiRoot}|${channel.phoneNumberId}`;
  await throttle.wait(sender, ctx.clock, ctx.signal);
  try {
    const id = await sendCloudText(cloudTextBody(target.number, text), {
      apiRoot: channel.cloudApiRoot,
      phoneNumberId: channel.phoneNumberId,
      accessToken,
      clock: ctx.clock,
      signal: ctx.signal,
    });
    return {
      refs: [{ address: target.number, ref: id }],
      detail: `sent to ${target.number} via the Cloud API`,
    };
  } catch (error) {
    throw error instanceof SourceError ? explainCloudError(error) : error;
  } finally {
    throttle.sent(sender, ctx.clock);
  }
}
