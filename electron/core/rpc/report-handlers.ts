/** The shift report (PDF / HTML) and the webhook token the analyst copies into senders. */
import { randomBytes } from 'node:crypto';

import { ContractError } from '../../../shared/ipc/result';
import { createReportsRepo } from '../db/repos/reports-repo';
import { formatTime } from '../notify/telegram/format';
import { SHIFT_REPORT_MAX_INCIDENTS, maskShiftIncidents, renderShiftReport } from '../reports/shift-report';
import { Slicer } from '../slices';
import type { HandlerDeps } from './handlers';
import type { Handlers } from './dispatcher';

type ReportMethods = 'reports.shift' | 'webhook.revealToken' | 'webhook.rotateToken';

/** A shift report covers at most this long: longer periods belong in an export. */
const MAX_PERIOD_DAYS = 31;

/** What to do when this shell has no PDF engine (only the headless shell can lack one). */
export const NO_PDF_ENGINE =
  'no PDF engine: the headless server prints PDFs with a local Chromium and found none. ' +
  'Choose HTML (it prints to PDF from any browser), or install Chromium (Debian/Ubuntu: apt-get install chromium) ' +
  'or set VIGIL_CHROMIUM to its path, and restart Vigil.';

/** "2026-01-01_0800" in the report's zone: sortable and safe in a file name on every OS. */
function fileStamp(iso: string, timeZone: string): string {
  const text = formatTime(iso, timeZone);
  return `${text.slice(0, 10)}_${text.slice(11, 13)}${text.slice(14, 16)}`;
}

export function createReportHandlers(deps: HandlerDeps): Pick<Handlers, ReportMethods> {
  const reports = createReportsRepo(deps.db);
  const log = deps.logger.child('reports');
  const webhookLog = deps.logger.child('webhook');

  return {
    'reports.shift': async ({ from, to, format, masked }, ctx) => {
      const fromMs = Date.parse(from);
      const toMs = Date.parse(to);
      if (!(toMs > fromMs)) throw new ContractError('bad_request', 'to: must be after from');
      if (toMs - fromMs > MAX_PERIOD_DAYS * 86_400_000) {
        throw new ContractError(
          'bad_request',
          `to: a shift report covers at most ${String(MAX_PERIOD_DAYS)} days; choose a shorter period`,
        );
      }
      const renderPdf = deps.renderPdf;
      if (format === 'pdf' && !renderPdf) throw new ContractError('unavailable', NO_PDF_ENGINE);

      // Stored times are UTC ISO strings; the request may carry an offset, so both ends are normalised.
      const fromIso = new Date(fromMs).toISOString();
      const toIso = new Date(toMs).toISOString();
      const timeZone = deps.config.get().ui.timeZone;
      const summary = reports.summary(fromIso, toIso);
      let incidents = reports.incidents(fromIso, toIso, SHIFT_REPORT_MAX_INCIDENTS);
      let changes = reports.changes(fromIso, toIso, SHIFT_REPORT_MAX_INCIDENTS);
      // Masking and rendering 5,000 incidents take about a second: in slices, between other work.
      const slicer = new Slicer();
      if (masked)
        ({ incidents, changes } = await maskShiftIncidents(incidents, changes, deps.masker, slicer));
      // Even with real values, a victim's credential seen in the telemetry never leaves in a report.
      else ({ incidents, changes } = deps.masker.redactSecrets({ incidents, changes }));
      const truncated = summary.total > incidents.length;
      const html = await renderShiftReport(
        {
          from: fromIso,
          to: toIso,
          generatedAt: new Date(deps.clock.now()).toISOString(),
          timeZone,
          generatedBy: ctx.actor,
          version: deps.version,
          summary,
          incidents,
          changes,
          limit: SHIFT_REPORT_MAX_INCIDENTS,
          truncated,
          masked: masked ?? false,
        },
        slicer,
      );
      // A masked report says so in its name, like a masked export.
      const base = `vigil-shift-${fileStamp(fromIso, timeZone)}-${fileStamp(toIso, timeZone)}${masked ? '-masked' : ''}`;
      log.info('shift report generated', {
        actor: ctx.actor,
        via: ctx.via,
        format,
        masked: masked ?? false,
        from: fromIso,
        to: toIso,
        incidents: summary.total,
      });
      if (format === 'html' || !renderPdf) {
        return {
          filename: `${base}.html`,
          mimeType: 'text/html; charset=utf-8',
          content: html,
          encoding: 'utf8' as const,
          rows: incidents.length,
          truncated,
        };
      }
      let pdf: Buffer;
      try {
        pdf = await renderPdf(html);
      } catch (error) {
        const reason = (error as Error).message ?? String(error);
        log.warn('PDF rendering failed', { error: reason });
        throw new ContractError(
          'unavailable',
          `the PDF engine failed (${reason}); try again, or choose HTML`,
        );
      }
      return {
        filename: `${base}.pdf`,
        mimeType: 'application/pdf',
        content: pdf.toString('base64'),
        encoding: 'base64' as const,
        rows: incidents.length,
        truncated,
      };
    },

    'webhook.revealToken': (_args, ctx) => {
      const configured = deps.config.get().webhook.token;
      const token = deps.config.resolveSecret(configured);
      const variable = deps.config.envReference(configured);
      if (!token && variable !== null) {
        throw new ContractError(
          'not_found',
          `the webhook token is read from the environment variable ${variable}, which is not set: set it and restart Vigil`,
        );
      }
      if (!token) throw new ContractError('not_found', 'no webhook token is set: rotate it to create one');
      // An audit line of who saw it; the value itself never goes to a log.
      webhookLog.info('webhook token revealed', { actor: ctx.actor, via: ctx.via });
      return { token };
    },

    'webhook.rotateToken': (_args, ctx) => {
      const variable = deps.config.envReference(deps.config.get().webhook.token);
      if (variable !== null) {
        throw new ContractError(
          'conflict',
          `the webhook token is read from the environment variable ${variable}: change it there and restart Vigil`,
        );
      }
      // Stored like the token generated at first start: the config moves the literal into the SecretStore,
      // and the listener reads the token on every request, so the old one is refused from now on.
      const token = randomBytes(32).toString('base64url');
      deps.config.update((draft) => {
        draft.webhook.token = token;
      });
      webhookLog.info('webhook token rotated', { actor: ctx.actor, via: ctx.via });
      return { token };
    },
  };
}
