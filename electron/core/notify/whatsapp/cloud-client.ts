/**
 * Meta's WhatsApp Cloud API: one text message to one phone number
 * (POST {root}/{phone-number-id}/messages). Free-form text reaches only
 * recipients who wrote to the business number in the last 24 hours; outside
 * that window the API answers error 131047 and only approved templates go out.
 */
import type { Clock } from '../../clock';
import { requestJson } from '../../sources/http-client';
import { SourceError } from '../../sources/source-error';

export interface CloudTextMessage {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
  type: 'text';
  text: { preview_url: boolean; body: string };
}

export interface CloudSendOptions {
  apiRoot: string;
  phoneNumberId: string;
  accessToken: string;
  clock: Clock;
  signal?: AbortSignal;
}

/** The request body for a plain text message (no link preview: alert links point at internal consoles). */
export function cloudTextBody(to: string, body: string): CloudTextMessage {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'text',
    text: { preview_url: false, body },
  };
}

/** Sends a text message; resolves with the `wamid.` message id. */
export async function sendCloudText(message: CloudTextMessage, options: CloudSendOptions): Promise<string> {
  const url = `${options.apiRoot.replace(/\/+$/, '')}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  const response = await requestJson(
    url,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${options.accessToken}` },
      body: message,
      ...(options.signal ? { signal: options.signal } : {}),
    },
    options.clock,
  );
  const body = response.body as { messages?: { id?: unknown }[] } | undefined;
  const id = Array.isArray(body?.messages) ? body.messages[0]?.id : undefined;
  if (typeof id !== 'string') {
    throw new SourceError('malformed', `${url}: the Cloud API answered without a message id`);
  }
  return id;
}

const HINTS: Record<string, string> = {
  '190': 'the access token expired or was revoked: issue a new (System User) token',
  '131047':
    'more than 24 hours since the recipient last wrote to the business number; free-form text is refused until they write again',
  '131030': 'the recipient is not on the allowed list of this test number',
  '100': 'the phone number id or a field is wrong',
};

/** A Cloud API failure, with a hint for the error codes an operator can fix. */
export function explainCloudError(error: SourceError): SourceError {
  const code = /\(code (\d+)\)/.exec(error.message)?.[1];
  const hint =
    (code ? HINTS[code] : undefined) ??
    (error.kind === 'auth'
      ? 'check the access token and that it may send for this phone number id'
      : undefined);
  return new SourceError(
    error.kind,
    `WhatsApp Cloud API: ${error.message}${hint ? ` — ${hint}` : ''}`,
    error.retryAfterMs,
    error.status,
  );
}
