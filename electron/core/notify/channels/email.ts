/**
 * E-mail through SMTP (nodemailer): one message per incident with an
 * inline-styled HTML part and a plain-text part carrying the same facts,
 * events and AI summary. `secure: true` is implicit TLS (465); otherwise
 * STARTTLS is used when the server offers it. A connection is opened per
 * message and closed after it, since alerts are rare next to SMTP idle
 * timeouts.
 *
 * Failures map onto the outbox's retry rules:
 * - login refused (EAUTH, 530/534/535) -> 'auth', retried: fixing the
 *   password lets the waiting messages through;
 * - connection refused, DNS, TLS, reset -> 'network'; no answer -> 'timeout';
 * - 4xx SMTP replies (greylisting, mailbox busy, 503) -> 'http', retried;
 * - other 5xx replies (550 no such mailbox, 554 refused) -> 'config': the
 *   same message would be refused again, so the entry is parked as dead for
 *   a manual retry once the address or relay is fixed;
 * - no recipients, or a user without a password -> 'config'.
 */
import { createTransport } from 'nodemailer';
import type { NodemailerError } from 'nodemailer';

import type { EmailChannelConfig } from '../../../../shared/config';
import { SourceError } from '../../sources/source-error';
import type { ChannelFactory, OutgoingMessage, SendContext } from '../channel-adapter';
import {
  SEVERITY_STYLES,
  analysisView,
  descriptionText,
  escapeHtml,
  eventLines,
  incidentFacts,
  messageLinks,
  purposeLabel,
  subjectLine,
  truncate,
} from './format';

const SMTP_TIMEOUT_MS = 15_000;

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Subject, plain text and HTML for a message; every outside value in the HTML is escaped. */
export function emailContent(message: OutgoingMessage): EmailContent {
  return { subject: subjectLine(message), text: plainBody(message), html: htmlBody(message) };
}

function plainBody(message: OutgoingMessage): string {
  const { incident } = message;
  const style = SEVERITY_STYLES[incident.severity];
  const out: string[] = [`[${style.label}] ${purposeLabel(message.purpose)}`, incident.title, ''];
  for (const fact of incidentFacts(incident, message.timeZone)) out.push(`${fact.title}: ${fact.value}`);
  const description = descriptionText(incident);
  if (description) out.push('', 'Description:', description);
  const events = eventLines(message.events, message.timeZone);
  if (events.length > 0) {
    out.push('', 'Recent events:');
    for (const e of events) out.push(`- ${e.at} — ${e.text}`);
  }
  const analysis = analysisView(message.analysis);
  if (analysis) {
    out.push('', 'AI summary:', analysis.summary);
    if (analysis.assessment) out.push(`Assessed severity: ${analysis.assessment}`);
    analysis.steps.forEach((s, i) => out.push(`${i + 1}. ${s}`));
  }
  const links = messageLinks(message);
  if (links.length > 0) out.push('', ...links.map((l) => `${l.title}: ${l.url}`));
  out.push('', '--', `Vigil · ${incident.source.name} · ${incident.id}`);
  return `${out.join('\n')}\n`;
}

const FONT = "font-family:'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const H2 = 'margin:20px 0 8px;font-size:15px;color:#1d1d1f';

function htmlBody(message: OutgoingMessage): string {
  const { incident } = message;
  const style = SEVERITY_STYLES[incident.severity];
  // Yellow and green banners need dark text to stay readable.
  const bannerText = incident.severity === 'medium' || incident.severity === 'low' ? '#000000' : '#ffffff';
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(
    `<h1 style="margin:0 0 14px;font-size:20px;line-height:1.3;color:#1d1d1f">${e(incident.title)}</h1>`,
    `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:14px">`,
    ...incidentFacts(incident, message.timeZone).map(
      (f) =>
        `<tr><th style="text-align:left;vertical-align:top;padding:3px 16px 3px 0;color:#5f6368;font-weight:600;white-space:nowrap">${e(f.title)}</th>` +
        `<td style="padding:3px 0;color:#1d1d1f">${e(f.value)}</td></tr>`,
    ),
    `</table>`,
  );
  const description = descriptionText(incident);
  if (description)
    parts.push(
      `<h2 style="${H2}">Description</h2>`,
      `<p style="margin:0;font-size:14px;white-space:pre-wrap;color:#1d1d1f">${e(description)}</p>`,
    );
  const events = eventLines(message.events, message.timeZone);
  if (events.length > 0)
    parts.push(
      `<h2 style="${H2}">Recent events</h2>`,
      ...events.map(
        (ev) =>
          `<div style="margin:0 0 6px;padding:6px 8px;background:#f6f8fa;border-radius:4px;font-family:Consolas,Menlo,monospace;font-size:12px;word-break:break-all;color:#1d1d1f">` +
          `<span style="color:#5f6368">${e(ev.at)}</span><br>${e(ev.text)}</div>`,
      ),
    );
  const analysis = analysisView(message.analysis);
  if (analysis) {
    parts.push(
      `<h2 style="${H2}">AI summary</h2>`,
      `<div style="padding:10px 12px;background:#eef4ff;border-left:4px solid #0b5cad;font-size:14px;color:#1d1d1f">`,
      `<p style="margin:0 0 8px;white-space:pre-wrap">${e(analysis.summary)}</p>`,
    );
    if (analysis.assessment)
      parts.push(`<p style="margin:0 0 8px"><b>Assessed severity:</b> ${e(analysis.assessment)}</p>`);
    if (analysis.steps.length > 0)
      parts.push(
        `<ol style="margin:0;padding-left:20px">${analysis.steps.map((s) => `<li>${e(s)}</li>`).join('')}</ol>`,
      );
    parts.push(`</div>`);
  }
  const links = messageLinks(message);
  if (links.length > 0)
    parts.push(
      `<p style="margin:20px 0 0">${links
        .map(
          (l) =>
            `<a href="${e(l.url)}" style="display:inline-block;margin:0 8px 8px 0;padding:8px 14px;background:#0b5cad;color:#ffffff;text-decoration:none;border-radius:4px;font-size:14px">${e(l.title)}</a>`,
        )
        .join('')}</p>`,
    );
  return [
    `<!DOCTYPE html>`,
    `<html><head><meta charset="utf-8"><title>${e(subjectLine(message))}</title></head>`,
    `<body style="margin:0;padding:16px;background:#f1f3f4;${FONT}">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:720px;margin:0 auto;background:#ffffff;border:1px solid #dadce0;border-collapse:separate">`,
    `<tr><td style="background:${style.hex};color:${bannerText};padding:10px 16px;font-size:14px;font-weight:700;${FONT}">${style.emoji} ${style.label} · ${e(purposeLabel(message.purpose))}</td></tr>`,
    `<tr><td style="padding:16px;${FONT}">`,
    ...parts,
    `</td></tr>`,
    `<tr><td style="padding:10px 16px;border-top:1px solid #dadce0;color:#5f6368;font-size:12px;${FONT}">Sent by Vigil · ${e(incident.source.name)} · ${e(incident.id)}</td></tr>`,
    `</table></body></html>`,
  ].join('\n');
}

/** Sends incident mail over SMTP; sends no updates (mail cannot be edited once sent). */
export const createEmailAdapter: ChannelFactory<'email'> = (channel: EmailChannelConfig) => ({
  sendsUpdates: false,
  async send(message: OutgoingMessage, ctx: SendContext) {
    const { smtp } = channel;
    const to = channel.to.map((a) => a.trim()).filter(Boolean);
    if (to.length === 0) throw new SourceError('config', 'add at least one recipient');
    const password = smtp.user ? ctx.secret(smtp.password) : undefined;
    if (smtp.user && !password)
      throw new SourceError(
        'config',
        `set the SMTP password for ${smtp.user} (or clear the user to send without login)`,
      );
    const target = `SMTP ${smtp.host}:${smtp.port}`;
    const transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user && password ? { auth: { user: smtp.user, pass: password } } : {}),
      tls: { rejectUnauthorized: smtp.verifyTls },
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
    const content = emailContent(message);
    try {
      const info = await transport.sendMail({
        from: channel.from,
        to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Vigil-Incident': message.incident.id },
        signal: ctx.signal,
      });
      const accepted = info.accepted.length;
      const refused = info.rejected.length > 0 ? `; refused: ${info.rejected.join(', ')}` : '';
      const reply = info.response ? ` (${truncate(info.response.trim(), 80)})` : '';
      return {
        refs: [],
        detail: `sent to ${accepted} recipient${accepted === 1 ? '' : 's'}${reply}${refused}`,
      };
    } catch (error) {
      if (ctx.signal.aborted) throw new SourceError('network', `${target}: cancelled`);
      throw smtpError(error, target, smtp.user);
    } finally {
      transport.close();
    }
  },
});

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A nodemailer failure as a SourceError the outbox can act on (see the module comment). */
export function smtpError(error: unknown, target: string, user: string | undefined): SourceError {
  if (error instanceof SourceError) return error;
  const e = error as NodemailerError;
  const code = e.code;
  const original = e.originalCode;
  const reply = e.response ? truncate(e.response.replace(/\s+/g, ' ').trim(), 200) : null;
  const rc = e.responseCode;
  const said = reply ? `: ${reply}` : '';
  if (code === 'EAUTH' || rc === 535 || rc === 534)
    return new SourceError(
      'auth',
      `${target}: the server refused the login${user ? ` for ${user}` : ''}${said}`,
    );
  if (rc === 530 || code === 'ENOAUTH')
    return new SourceError(
      'auth',
      `${target}: the server requires a login; set the SMTP user and password${said}`,
    );
  if (code === 'ETIMEDOUT')
    return new SourceError('timeout', `${target}: no answer within ${SMTP_TIMEOUT_MS / 1000} s`);
  if (code === 'EDNS' || original === 'ENOTFOUND' || original === 'EAI_AGAIN')
    return new SourceError('network', `${target}: host name not found`);
  const tlsCode = [original, code].find((c) => c !== undefined && TLS_CODES.has(c));
  if (tlsCode)
    return new SourceError(
      'network',
      `${target}: the TLS certificate was not accepted (${tlsCode}); fix the certificate or turn off TLS verification for this channel`,
    );
  if (code === 'ETLS') return new SourceError('network', `${target}: TLS failed (${e.message})`);
  if (rc !== undefined) {
    if (rc >= 500 && rc !== 503)
      return new SourceError(
        'config',
        `${target}: the server refused the message for good${said}`,
        undefined,
        rc,
      );
    return new SourceError('http', `${target}: the server deferred the message${said}`, undefined, rc);
  }
  if (original === 'ECONNREFUSED' || code === 'ECONNREFUSED')
    return new SourceError(
      'network',
      `${target}: connection refused (is the address and port right, and the mail server up?)`,
    );
  if (original === 'ECONNRESET') return new SourceError('network', `${target}: the connection was reset`);
  if (code === 'EENVELOPE') return new SourceError('config', `${target}: ${e.message}`);
  const label = original ?? code;
  return new SourceError('network', `${target}: ${label ? `${label}: ` : ''}${e.message}`);
}
