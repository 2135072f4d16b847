import { z } from 'zod';

/** Settings both pipeline kinds share, with the same rules and messages. */
export const streamName = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'not a stream name');
export const maxEventBytes = z
  .number()
  .int()
  .min(64)
  .max(10 * 1024 * 1024)
  .optional();

/** Each zod issue as 'path.to.setting: message'. */
export function zodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(definition)'}: ${issue.message}`);
}
