/**
 * How every schema of ours words a value of the wrong type, for people who
 * send us JSON: `type: required` and `severity: must be a string` rather
 * than zod's "Invalid input: expected string, received undefined". Set once,
 * globally, by importing this module (shared/domain.ts does, and every schema
 * module imports that); a schema's own message still wins.
 */
import { z } from 'zod';

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

z.config({
  customError: (issue) => {
    if (issue.code !== 'invalid_type') return undefined;
    return issue.input === undefined ? 'required' : `must be ${article(String(issue.expected))}`;
  },
});
