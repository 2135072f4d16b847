import { z } from 'zod';
import type { Aggregate } from '../aggregates/aggregate.ts';
import { parseScheduleExpression } from '../schedule-expression/schedule-expression.ts';
import { formatDuration, parseDuration } from '../windows/duration.ts';
import { checkWindowSpec, WindowSpecError, windowName } from '../windows/index.ts';
import type { WindowSpec } from '../windows/window.ts';
import { cqlName, cqlNameProblem } from './cql-names.ts';
import { resolveDeadLetters } from './dead-letter-policy.ts';
import { PipelineSpecError } from './errors.ts';
import { readPath, splitPath } from './field-path.ts';
import { checkRetention } from './retention.ts';
import { deadLettersSetting, maxEventBytes, streamName, zodIssues } from './schema-parts.ts';
import type { EventRecord, Pipeline, PipelineDefinition } from './spec.ts';
import { resolveSyncEntries, syncEntrySchema } from './sync-entry.ts';
import type { AggregateMap, ResultsOf, TypedPipeline } from './typed.ts';

/** Table names are `<name>_closed_windows` at the longest; Keyspaces allows 48 characters. */
const MAX_NAME = 32;
const RESERVED_COLUMNS = new Set([
  'key',
  'window',
  'bucket',
  'window_start',
  'window_end',
  'final',
  'version',
  'fences',
  'acc',
  'events',
  'updated_at',
]);

const fieldPath = z.string().regex(/^[^.]+(\.[^.]+)*$/, 'must be a dot path such as "user.id"');
const extractor = z.union([
  fieldPath,
  z.custom<(event: EventRecord) => unknown>((v) => typeof v === 'function', {
    message: 'must be a field path or a function of the event',
  }),
]);
const duration = z.union([z.string(), z.number()]);
const aggregate = z.custom<Aggregate>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    ['init', 'add', 'merge', 'result', 'encode', 'decode'].every(
      (m) => typeof (v as Record<string, unknown>)[m] === 'function',
    ),
  { message: 'must be an aggregate such as count() or avg("ms")' },
);

const eventFunction = (what: string) =>
  z.custom<(event: EventRecord) => unknown>((v) => typeof v === 'function', {
    message: `must be a function of the event (${what})`,
  });

const definitionSchema = z.object({
  // Only a prefix of table names (`<name>_windows`), so a reserved word is fine here.
  name: cqlName(MAX_NAME, { reservedOk: true }),
  source: z.object({ stream: streamName }),
  filter: eventFunction('true to keep it').optional(),
  map: eventFunction('returning the event to key and aggregate').optional(),
  key: extractor,
  time: extractor,
  windows: z.array(z.custom<WindowSpec>((v) => typeof v === 'object' && v !== null)).min(1),
  aggregates: z
    // Names are checked after parsing, where the message can say what is wrong with one.
    .record(z.string(), aggregate)
    .refine((a) => Object.keys(a).length > 0, 'needs at least one aggregate'),
  lateness: z
    .object({
      outOfOrder: duration.optional(),
      allowed: duration.optional(),
      idleTimeout: duration.optional(),
      maxFuture: duration.optional(),
      maxPast: duration.optional(),
    })
    .strict()
    .optional(),
  keyspace: cqlName().optional(),
  retention: duration.optional(),
  tables: z
    .object({
      windows: cqlName(),
      openWindows: cqlName(),
      closedWindows: cqlName(),
      watermarks: cqlName(),
      lateEvents: cqlName(),
    })
    .partial()
    .strict()
    .optional(),
  maxEventBytes,
  deadLetters: deadLettersSetting,
  sync: z.array(syncEntrySchema).optional(),
  tick: z.string().optional(),
  singleWriter: z.boolean().optional(),
});

/** How far behind its arrival an event may be, unless the definition says (lateness.maxPast). */
const DEFAULT_MAX_PAST_MS = 30 * 86_400_000;

/** The tick's schedule when the definition names none. */
export const DEFAULT_TICK = 'rate(1 minute)';

/** Turns a field path or function into a function, plus a label for error messages. */
function resolveExtractor(
  value: string | ((event: never) => unknown),
  label: string,
): [(e: EventRecord) => unknown, string] {
  if (typeof value === 'function') return [value as (e: EventRecord) => unknown, label];
  const path = splitPath(value);
  return [(event) => readPath(event, path), value];
}

/**
 * Validates a pipeline definition and resolves it for every layer (handler, CDK, CLI).
 * Throws a PipelineSpecError listing every problem with its setting's path.
 *
 * Called with no argument, `definePipeline<Event>()` returns the same function with the event
 * type fixed, so field paths (key, time, each aggregate's field) and functions of the event are
 * checked against it:
 *
 * @example
 * type PageView = { page: string; user: string; ts: number; ms: number };
 * const views = definePipeline<PageView>()({ ..., key: 'page', aggregates: { ms: avg('ms') } });
 *
 * @example
 * const pageViews = definePipeline({
 *   name: 'page_views',
 *   source: { stream: 'page-views' },
 *   key: 'page',
 *   time: 'ts',
 *   windows: [tumbling('1m'), sliding('10m', '1m')],
 *   aggregates: { views: count(), latency: avg('ms'), p95: quantile('ms', 0.95) },
 *   lateness: { outOfOrder: '5s', allowed: '1m' },
 * });
 */
export function definePipeline<In extends object>(): <
  A extends AggregateMap,
  Event extends object = In,
>(
  definition: PipelineDefinition<In, Event, A>,
) => TypedPipeline<In, ResultsOf<A>>;
export function definePipeline<A extends AggregateMap>(
  definition: PipelineDefinition<EventRecord, EventRecord, A>,
): TypedPipeline<EventRecord, ResultsOf<A>>;
export function definePipeline(...args: [PipelineDefinition?]) {
  if (args.length === 0) return (definition: PipelineDefinition) => resolvePipeline(definition);
  return resolvePipeline(args[0] as PipelineDefinition);
}

function resolvePipeline(definition: PipelineDefinition): Pipeline {
  const label = typeof definition?.name === 'string' ? definition.name : '(unnamed)';
  const parsed = definitionSchema.safeParse(definition);
  if (!parsed.success) throw new PipelineSpecError(label, zodIssues(parsed.error));
  const spec = parsed.data;
  const issues: string[] = [];
  const ms = (value: string | number | undefined, fallback: number, what: string) => {
    if (value === undefined) return fallback;
    if (value === 0 || value === '0') return 0;
    try {
      return parseDuration(value, what);
    } catch (error) {
      issues.push((error as Error).message);
      return fallback;
    }
  };

  const windows = spec.windows.flatMap((w, i) => {
    try {
      const checked = checkWindowSpec(w, `windows[${i}]`);
      return [{ name: windowName(checked), spec: checked }];
    } catch (error) {
      if (!(error instanceof WindowSpecError)) throw error;
      issues.push(error.message);
      return [];
    }
  });
  const seen = new Set<string>();
  for (const w of windows) {
    if (seen.has(w.name)) issues.push(`windows: ${w.name} is declared twice`);
    seen.add(w.name);
  }
  for (const name of Object.keys(spec.aggregates)) {
    const problem = cqlNameProblem(name, 40);
    if (problem) issues.push(`aggregates.${name}: aggregate names are column names: ${problem}`);
    else if (RESERVED_COLUMNS.has(name))
      issues.push(`aggregates.${name}: is a column cassflow uses itself`);
  }
  const aggregates = Object.entries(spec.aggregates).map(([name, agg]) => ({
    name,
    aggregate: agg,
    ...(agg.input !== 'none' && agg.field ? { path: splitPath(agg.field) } : {}),
  }));
  for (const a of aggregates) {
    if (a.aggregate.input !== 'none' && !a.path) {
      issues.push(`aggregates.${a.name}: reads a field but names none`);
    }
  }
  const outOfOrderMs = ms(spec.lateness?.outOfOrder, 0, 'lateness.outOfOrder');
  const allowedMs = ms(spec.lateness?.allowed, 0, 'lateness.allowed');
  // How long after its start an event can still count: the longest window and its lateness.
  const countsFor =
    Math.max(...windows.map((w) => windowSpanMs(w.spec))) + outOfOrderMs + allowedMs;
  const lateness = {
    outOfOrderMs,
    allowedMs,
    idleTimeoutMs: ms(spec.lateness?.idleTimeout, 60_000, 'lateness.idleTimeout'),
    maxFutureMs: ms(spec.lateness?.maxFuture, 86_400_000, 'lateness.maxFuture'),
    maxPastMs: ms(
      spec.lateness?.maxPast,
      Math.max(DEFAULT_MAX_PAST_MS, countsFor),
      'lateness.maxPast',
    ),
  };
  if (spec.lateness?.maxPast !== undefined && lateness.maxPastMs < countsFor) {
    issues.push(
      `lateness.maxPast: must be at least ${formatDuration(countsFor)}, the longest window ` +
        'plus outOfOrder and allowed: older events can still count',
    );
  }
  const sync = resolveSyncEntries(spec.sync, 'closed-windows', issues);
  const tick = spec.tick ?? DEFAULT_TICK;
  try {
    parseScheduleExpression(tick);
  } catch (error) {
    issues.push(`tick: ${(error as Error).message}`);
  }
  const retentionSeconds = checkRetention(
    spec.retention === undefined ? undefined : ms(spec.retention, 0, 'retention'),
    countsFor,
    issues,
  );
  const deadLetters = resolveDeadLetters(spec.deadLetters, issues);
  if (spec.singleWriter) {
    for (const w of windows.filter((w) => w.spec.kind === 'session')) {
      issues.push(
        `singleWriter: ${w.name} is a session window, which the single-writer path does not ` +
          'take yet (the closer also writes open sessions): drop singleWriter or the session window',
      );
    }
  }
  if (issues.length > 0) throw new PipelineSpecError(spec.name, issues);

  const [key, keyField] = resolveExtractor(spec.key, 'key');
  const [time, timeField] = resolveExtractor(spec.time, 'time');
  return {
    kind: 'aggregation',
    name: spec.name,
    stream: spec.source.stream,
    ...(spec.filter ? { filter: spec.filter as (event: EventRecord) => boolean } : {}),
    ...(spec.map ? { map: spec.map as (event: EventRecord) => EventRecord } : {}),
    key,
    keyField,
    time,
    timeField,
    windows,
    aggregates,
    lateness,
    maxEventBytes: spec.maxEventBytes ?? 256 * 1024,
    deadLetters,
    sync,
    tick,
    ...(spec.keyspace ? { keyspace: spec.keyspace } : {}),
    ...(retentionSeconds ? { retentionSeconds } : {}),
    ...(spec.singleWriter ? { singleWriter: true } : {}),
    tables: {
      windows: `${spec.name}_windows`,
      openWindows: `${spec.name}_open_windows`,
      closedWindows: `${spec.name}_closed_windows`,
      watermarks: `${spec.name}_watermarks`,
      lateEvents: `${spec.name}_late_events`,
      ...spec.tables,
    },
  };
}

/** How long one window stays open at most, before lateness: its size (a session: its gap). */
function windowSpanMs(spec: WindowSpec): number {
  return spec.kind === 'session' ? spec.gap : spec.size;
}
