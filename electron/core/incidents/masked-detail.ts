/**
 * An incident's detail as the LLM and masking channels see it: every text
 * that can name someone (title, description, entities, assignee, tags,
 * timeline actors and details, raw bodies, the analysis) goes through ONE
 * sanitizer call seeded with the incident's entities, so a host is HOST_1 in
 * the title, the timeline and the raw JSON alike. Ids, times, severities and
 * the source (Vigil's own configuration, a name the analyst chose) stay as
 * they are; so do hashes, which the sanitizer never masks.
 */
import type { Analysis, Incident, RawEvent, TimelineEntry } from '../../../shared/domain';
import type { IncidentDetail } from '../../../shared/ipc/contract';
import type { PseudonymMap, Sanitized } from '../sanitizer/sanitizer';
import type { Entities } from '../../../shared/domain';
import type { IntelItem } from './intel';

/** The part of the sanitizer this needs (the Sanitizer class satisfies it). */
export interface DetailMasker {
  mask<T>(value: T, known?: Entities, map?: PseudonymMap): Sanitized<T>;
}

/**
 * Characters of one raw body masked and shown. Masking is linear but not
 * free; a body past this is cut (and says so) rather than holding the core.
 */
export const MASKED_BODY_CHARS = 256 * 1024;

interface BodyValue {
  json: boolean;
  value: unknown;
  cut: number;
}

function bodyValue(body: string): BodyValue {
  if (body.length > MASKED_BODY_CHARS) {
    return { json: false, value: body.slice(0, MASKED_BODY_CHARS), cut: body.length - MASKED_BODY_CHARS };
  }
  try {
    // Parsed, so the sanitizer sees real strings rather than JSON-escaped ones.
    return { json: true, value: JSON.parse(body) as unknown, cut: 0 };
  } catch {
    return { json: false, value: body, cut: 0 };
  }
}

function bodyText(body: BodyValue, masked: unknown): string {
  if (body.json) return JSON.stringify(masked);
  const textValue = typeof masked === 'string' ? masked : JSON.stringify(masked);
  return body.cut > 0 ? `${textValue}…[${String(body.cut)} more characters not shown masked]` : textValue;
}

export interface DetailParts {
  incident: Incident;
  timeline: TimelineEntry[];
  events: RawEvent[];
  analysis: Analysis | null;
  intel: IntelItem[];
}

/**
 * The masked detail. Intel indicators whose value masking would change (a
 * public IP, a domain) are left out: a lookup link names its value, and
 * a pseudonym in a lookup link finds nothing.
 */
export function maskDetail(parts: DetailParts, masker: DetailMasker): IncidentDetail {
  const { incident, timeline, events, analysis, intel } = parts;
  const bodies = events.map((event) => bodyValue(event.body));
  const { value: masked } = masker.mask(
    {
      incident: {
        // Generated fingerprints are built from the title, host and address.
        fingerprint: incident.fingerprint,
        title: incident.title,
        description: incident.description,
        category: incident.category,
        entities: incident.entities,
        assignee: incident.assignee,
        tags: incident.tags,
        vendorStatus: incident.vendorStatus,
        consoleUrl: incident.consoleUrl,
        mitre: incident.mitre,
      },
      timeline: timeline.map((entry) => ({ actor: entry.actor, detail: entry.detail })),
      bodies: bodies.map((body) => body.value),
      analysis: analysis && {
        summary: analysis.summary,
        rationale: analysis.severityAssessment?.rationale ?? null,
        mitigationSteps: analysis.mitigationSteps,
        investigationSteps: analysis.investigationSteps,
        error: analysis.error,
      },
      intel: intel.map((item) => item.value),
    },
    incident.entities,
  );

  return {
    incident: { ...incident, ...masked.incident },
    timeline: timeline.map((entry, i) => ({ ...entry, ...masked.timeline[i] })),
    events: events.map((event, i) => ({ ...event, body: bodyText(bodies[i]!, masked.bodies[i]) })),
    analysis:
      analysis && masked.analysis
        ? {
            ...analysis,
            summary: masked.analysis.summary,
            severityAssessment: analysis.severityAssessment && {
              ...analysis.severityAssessment,
              rationale: masked.analysis.rationale ?? '',
            },
            mitigationSteps: masked.analysis.mitigationSteps,
            investigationSteps: masked.analysis.investigationSteps,
            error: masked.analysis.error,
          }
        : analysis,
    masked: true,
    intel: intel.filter((item, i) => masked.intel[i] === item.value),
  };
}
