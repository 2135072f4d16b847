import { parseDuration } from './duration.ts';

/** How long dead letters are kept and how many of a record's raw bytes with them. */
export type DeadLetterPolicy = { keepSeconds: number; maxRawBytes: number };

export type DeadLettersDefinition = { keep?: string | number; maxRawBytes?: number };

/** Dead letters hold raw payloads (possibly personal data): kept two weeks unless said. */
const DEFAULT_KEEP_MS = 14 * 86_400_000;
/** 630,720,000 s, the largest TTL Cassandra and Keyspaces take. */
const MAX_TTL_MS = 630_720_000_000;
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
      // Cassandra's and Keyspaces' largest TTL: a longer one would fail every dead-letter write.
      if (keepMs > MAX_TTL_MS) issues.push('deadLetters.keep: must be at most 20 years');
    } catch (error) {
      issues.push((error as Error).message);
    }
  }
  return {
    keepSeconds: Math.round(keepMs / 1000),
    maxRawBytes: definition?.maxRawBytes ?? DEFAULT_MAX_RAW_BYTES,
  };
}
