import { z } from 'zod';
import { zodIssues } from '../../pipeline/schema-parts.ts';
import { EventSourceSettingsError } from './errors.ts';

/** Lambda's Kinesis starting positions. */
export const STARTING_POSITIONS = ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const;
export type StartingPosition = (typeof STARTING_POSITIONS)[number];

/** Lambda's own limits for a Kinesis event-source mapping (CreateEventSourceMapping). */
export const LAMBDA_LIMITS = {
  maxBatchSize: 10_000,
  maxBatchingWindowSeconds: 300,
  maxRecordAgeSeconds: { min: 60, max: 604_800 },
  maxRetryAttempts: 10_000,
  maxParallelization: 10,
  /** A synchronous invocation's request payload. */
  maxPayloadBytes: 6 * 1024 * 1024,
  maxTimeoutSeconds: 900,
} as const;

const settingsSchema = z
  .object({
    startingPosition: z.enum(STARTING_POSITIONS).default('TRIM_HORIZON'),
    /** Epoch ms; only with AT_TIMESTAMP. */
    startingPositionTimestamp: z.number().int().nonnegative().optional(),
    batchSize: z.number().int().min(1).max(LAMBDA_LIMITS.maxBatchSize).default(100),
    maxBatchingWindowSeconds: z
      .number()
      .min(0)
      .max(LAMBDA_LIMITS.maxBatchingWindowSeconds)
      .default(0),
    bisectBatchOnError: z.boolean().default(false),
    /** -1: retry until the record expires (Lambda's default). */
    retryAttempts: z.number().int().min(-1).max(LAMBDA_LIMITS.maxRetryAttempts).default(-1),
    /** -1: never discard for age (Lambda's default). */
    maxRecordAgeSeconds: z
      .number()
      .int()
      .refine(
        (s) =>
          s === -1 ||
          (s >= LAMBDA_LIMITS.maxRecordAgeSeconds.min &&
            s <= LAMBDA_LIMITS.maxRecordAgeSeconds.max),
        'must be -1 or 60 to 604800 seconds',
      )
      .default(-1),
    parallelizationFactor: z.number().int().min(1).max(LAMBDA_LIMITS.maxParallelization).default(1),
    reportBatchItemFailures: z.boolean().default(false),
    /** The function's timeout; a longer invocation counts as an error, like Lambda's. */
    timeoutSeconds: z.number().min(1).max(LAMBDA_LIMITS.maxTimeoutSeconds).default(60),
    /** How often an idle shard is polled (Lambda: once a second). */
    pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
    /** Pause between retries of a failed batch (doubling, capped at 10 s). */
    retryDelayMs: z.number().int().min(0).max(60_000).default(200),
    /** How often the shard list is re-read to find resharding. */
    shardRefreshMs: z.number().int().min(50).max(600_000).default(10_000),
  })
  .superRefine((s, ctx) => {
    if (s.startingPosition === 'AT_TIMESTAMP' && s.startingPositionTimestamp === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['startingPositionTimestamp'],
        message: 'required with startingPosition AT_TIMESTAMP',
      });
    }
    if (s.startingPosition !== 'AT_TIMESTAMP' && s.startingPositionTimestamp !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['startingPositionTimestamp'],
        message: 'only valid with startingPosition AT_TIMESTAMP',
      });
    }
  });

/** What the caller may set; anything left out takes Lambda's default. */
export type EventSourceSettingsInput = z.input<typeof settingsSchema>;
export type EventSourceSettings = z.output<typeof settingsSchema>;

/** Lambda's defaults filled in; every out-of-range setting named in one error. */
export function eventSourceSettings(input: EventSourceSettingsInput = {}): EventSourceSettings {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) throw new EventSourceSettingsError(zodIssues(parsed.error));
  return parsed.data;
}
