import { parseDuration } from '../windows/duration.ts';
import { MAX_TTL_SECONDS } from './retention.ts';

/** How long dead letters are kept and how many of a record's raw bytes with them. */
export type DeadLetterPolicy = { keepSeconds: number; maxRawBytes: number };

export type DeadLettersDefinition = { keep?: string | number; maxRawBytes?: number };

/** Dead letters hold raw payloads (possibly personal data): kept two weeks unless said. */
const DEFAULT_KEEP_MS = 14 * 86_400_000;
/** The default maxEventBytes: a record the pipeline could take is kept whole. */
const DEFAULT_MAX_RAW_BYTES = 256 * 1024;

/** The policy of a definition's `deadLetters`, or problems pushed to `issues`. */
export function resolveDeadLetters(
  definition: DeadLettersDefinition | undefined,
  issues: string[],
): DeadLetterPolicy {
  let keepMs = DEFAULT_KEEP_MS;
  if (definition?.keep !== undefined) {
    try {
      keepMs = parseDuration(definition.keep, 'deadLetters.keep');
      if (keepMs < 3_600_000) issues.push('deadLetters.keep: must be at least 1h');
      // A longer TTL would fail every dead-letter write.
      if (keepMs > MAX_TTL_SECONDS * 1000)
        issues.push('deadLetters.keep: must be at most 20 years');
    } catch (error) {
      issues.push((error as Error).message);
    }
  }
  return {
    keepSeconds: Math.round(keepMs / 1000),
    maxRawBytes: definition?.maxRawBytes ?? DEFAULT_MAX_RAW_BYTES,
  };
}
