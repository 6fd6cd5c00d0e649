/**
 * The answer the analyst asks the model for, and how a reply is read: models
 * wrap JSON in code fences or a sentence, so the object is cut out first, then
 * checked against a zod schema whose issues become the error an analyst sees.
 */
import { z } from 'zod';

import { SEVERITIES, severitySchema } from '../../../shared/domain';
import { formatIssues } from '../../../shared/config';

const MAX_STEPS = 20;

const stepList = z.array(z.string().trim().min(1).max(2000)).max(MAX_STEPS);

/** What a model must answer; `confidence` given as a percentage (e.g. 80) is read as 0.8. */
export const answerSchema = z.object({
  summary: z.string().trim().min(1).max(6000),
  severityAssessment: z.object({
    severity: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), severitySchema),
    rationale: z.string().trim().max(4000),
  }),
  mitigationSteps: stepList,
  investigationSteps: stepList,
  confidence: z.preprocess(
    (v) => (typeof v === 'number' && v > 1 && v <= 100 ? v / 100 : v),
    z.number().min(0).max(1),
  ),
});
export type AnalysisAnswer = z.infer<typeof answerSchema>;

/** The answer's shape in words, for the system prompt (kept beside the schema so they agree). */
export const ANSWER_SHAPE = [
  '{',
  '  "summary": string — what happened and why it matters, 2-5 sentences,',
  `  "severityAssessment": { "severity": one of ${SEVERITIES.map((s) => `"${s}"`).join(', ')}, "rationale": string },`,
  '  "mitigationSteps": [string, ...] — concrete containment/remediation actions, most urgent first,',
  '  "investigationSteps": [string, ...] — what to check next to confirm or rule out the threat,',
  '  "confidence": number from 0 (a guess) to 1 (certain)',
  '}',
].join('\n');

export type ParsedAnswer = { ok: true; answer: AnalysisAnswer } | { ok: false; error: string };

const SNIPPET = 60;

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat;
}

/** The JSON object inside a reply: the whole text, a fenced block, or the outermost braces. */
export function extractJson(content: string): string | null {
  const text = content.trim();
  if (text.startsWith('{')) return text;
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fenced?.[1]?.trim().startsWith('{')) return fenced[1].trim();
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? text.slice(start, end + 1) : null;
}

/**
 * Reads a model's reply as an answer, or says in words why it is not one.
 * `truncated` (finish_reason "length") is named in the error so the fix
 * (raising ai.maxTokens) is obvious.
 */
export function parseAnswer(content: string, truncated = false): ParsedAnswer {
  const cut = truncated ? ' (the answer was cut off at ai.maxTokens; raise it)' : '';
  if (!content.trim()) return { ok: false, error: `the model's answer is empty${cut}` };
  const json = extractJson(content);
  let value: unknown;
  try {
    if (json === null) throw new Error('no object');
    value = JSON.parse(json);
  } catch {
    return { ok: false, error: `the model's answer is not valid JSON${cut}: "${snippet(content)}"` };
  }
  const result = answerSchema.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      error: `the model's answer does not have the expected fields${cut}: ${formatIssues(result.error)}`,
    };
  }
  return { ok: true, answer: result.data };
}

/** Applies `restore` to every string inside `value` (keys kept), returning a copy. */
export function mapStrings<T>(value: T, restore: (text: string) => string): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return restore(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, walk(inner)]));
    }
    return node;
  };
  return walk(value) as T;
}
