import { z } from 'zod';
import { parseScheduleExpression } from '../schedule-expression/schedule-expression.ts';
import { parseDuration } from '../windows/duration.ts';

/** Where a sync job writes. */
export type SyncTargetSpec =
  | { kind: 's3'; bucket: string; prefix?: string }
  | { kind: 'dynamodb'; table: string }
  | { kind: 'postgres'; table: string; schema?: string };

export const SYNC_MODES = ['full', 'closed-windows'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** A pipeline's `sync` entry as written: what to copy where, and how often. */
export type SyncEntryDefinition = {
  /** The job's name: `cassflow sync --job <name>`, CASSFLOW_SYNC_JOB in Lambda. */
  name: string;
  /** Default: closed-windows for an aggregation (only windows that became final), full for a sink. */
  mode?: SyncMode;
  target: SyncTargetSpec;
  /** EventBridge rate() or cron(); default rate(5 minutes). */
  schedule?: string;
  /** Token ranges a full pass is split into (default 32). */
  splits?: number;
  /** Rows per page (default 1,000). */
  fetchSize?: number;
  /** Ranges read at once (default 4). */
  concurrency?: number;
  /** Stop taking pages when less than this is left of the Lambda's time (default 30s). */
  margin?: string | number;
};

/** A validated sync entry, every default filled in. */
export type SyncJobSpec = Required<Omit<SyncEntryDefinition, 'margin'>> & { marginMs: number };

const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, - and _');
const sqlName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _');

export const syncEntrySchema = z.object({
  name: identifier,
  mode: z.enum(SYNC_MODES).optional(),
  target: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('s3'),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not an S3 bucket name'),
      // IAM reads `*`, `?` and `${...}` in the grant's object ARN as patterns.
      prefix: z
        .string()
        .max(512)
        .refine(
          (prefix) => ![...prefix].some((c) => '*?$'.includes(c) || c.charCodeAt(0) < 0x20),
          'no *, ? or $ (IAM would read them as patterns and widen the grant) and no control characters',
        )
        .optional(),
    }),
    z.object({ kind: z.literal('dynamodb'), table: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/) }),
    z.object({ kind: z.literal('postgres'), table: sqlName, schema: sqlName.optional() }),
  ]),
  schedule: z.string().optional(),
  splits: z.number().int().min(1).max(100_000).optional(),
  fetchSize: z.number().int().min(1).max(100_000).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  margin: z.union([z.string(), z.number()]).optional(),
});

/** The entries with defaults filled in; problems are pushed to `issues` with their path. */
export function resolveSyncEntries(
  entries: readonly z.output<typeof syncEntrySchema>[] | undefined,
  defaultMode: SyncMode,
  issues: string[],
): SyncJobSpec[] {
  return (entries ?? []).map((entry, i) => {
    const schedule = entry.schedule ?? 'rate(5 minutes)';
    try {
      parseScheduleExpression(schedule);
    } catch (error) {
      issues.push(`sync.${i}.schedule: ${(error as Error).message}`);
    }
    let marginMs = 30_000;
    try {
      if (entry.margin !== undefined) marginMs = parseDuration(entry.margin, `sync.${i}.margin`);
    } catch (error) {
      issues.push((error as Error).message);
    }
    const mode = entry.mode ?? defaultMode;
    if (mode === 'closed-windows' && defaultMode === 'full') {
      issues.push(
        `sync.${i}.mode: closed-windows needs an aggregation pipeline; a sink syncs in full`,
      );
    }
    return {
      name: entry.name,
      mode,
      target: entry.target,
      schedule,
      splits: entry.splits ?? 32,
      fetchSize: entry.fetchSize ?? 1000,
      concurrency: entry.concurrency ?? 4,
      marginMs,
    };
  });
}
