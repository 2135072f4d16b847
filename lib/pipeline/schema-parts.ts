import { z } from 'zod';

/** Settings both pipeline kinds share, with the same rules and messages. */
export const streamName = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'not a stream name');
export const maxEventBytes = z
  .number()
  .int()
  .min(64)
  .max(10 * 1024 * 1024)
  .optional();

/** How dead letters of a pipeline are kept: `keep` (default 14 days) and raw bytes kept. */
export const deadLettersSetting = z
  .object({
    keep: z.union([z.string(), z.number()]).optional(),
    // Amazon Keyspaces takes rows of at most 1 MB, reason and keys included.
    maxRawBytes: z.number().int().min(0).max(900_000).optional(),
  })
  .strict()
  .optional();

/** Each zod issue as 'path.to.setting: message'. */
export function zodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(definition)'}: ${issue.message}`);
}
