import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { avg, count, max, sum } from '#lib/aggregates/basic';
import type { BatchResult } from '#lib/engine/process-batch';
import { createAggregateHandler } from '#lib/lambda/aggregate-handler';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { Pipeline } from '#lib/pipeline/spec';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { tumbling } from '#lib/windows/index';
import { lambdaContext } from '../test/helpers/lambda-context.ts';
import { CountingSession, type MethodCalls, timePorts } from './instrument.ts';
import { type BenchStore, sumColumn } from './store.ts';

/**
 * The benchmarked pipeline: one tumbling window, the four basic aggregates; the out-of-order
 * bound covers the batch's jitter (records.ts), so no event is late.
 */
export function benchPipeline(name: string, singleWriter = false): Pipeline {
  return definePipeline({
    name,
    source: { stream: 'bench' },
    key: 'key',
    time: 'ts',
    windows: [tumbling('1m')],
    aggregates: { n: count(), total: sum('v'), mean: avg('v'), hi: max('v') },
    lateness: { outOfOrder: '2s' },
    // The bench's records carry their key as the partition key (records.ts).
    ...(singleWriter ? { singleWriter } : {}),
  });
}

/**
 * Where one invocation spent its wall time, in ms (the phases run one after another): reading
 * the shards and cursor, decoding and planning, indexing the batch's first windows, folding into
 * rows, recording the batch on its shard, and closing due windows.
 */
export type Phases = {
  decodeAndPlan: number;
  index: number;
  rows: number;
  watermark: number;
  closer: number;
};

export type CassflowRun = {
  records: number;
  rows: number;
  conditionalWrites: number;
  casRetries: number;
  late: number;
  windowsClosed: number;
  wallMs: number;
  eventsPerSec: number;
  /** Every lightweight transaction of the invocation, the closer's included. */
  lwtStatements: number;
  statements: number;
  statementKinds: Record<string, number>;
  phases: Phases;
  portCalls: Record<string, { count: number; meanMs: number }>;
};

/**
 * Phase boundaries from the first calls of port methods, following processBatch's order: the
 * batch reads, plans, indexes its first windows, then rows start with their first read or write
 * and end when late events are written; the shard's row is advanced, then the closer runs.
 */
function phasesOf(calls: Map<string, MethodCalls>, start: number, end: number): Phases {
  const first = (names: string[], fallback: number) =>
    Math.min(...names.map((n) => calls.get(n)?.firstAt ?? Number.POSITIVE_INFINITY), fallback);
  const rowsStart = first(
    [
      'rows.read',
      'rows.readMany',
      'rows.create',
      'rows.update',
      'rows.writePartition',
      'rows.writeAt',
    ],
    end,
  );
  const indexStart = first(['index.addOpen'], rowsStart);
  const rowsEnd = first(['sideOutputs.lateEvents'], end);
  const advance = calls.get('watermarks.advanceShard');
  const closerStart = advance ? advance.lastAt : rowsEnd;
  return {
    decodeAndPlan: Math.min(indexStart, rowsStart) - start,
    index: rowsStart - Math.min(indexStart, rowsStart),
    rows: rowsEnd - rowsStart,
    watermark: closerStart - rowsEnd,
    closer: end - closerStart,
  };
}

/**
 * Creates the pipeline's tables, then times ONE call of the real Lambda handler with `event`
 * (the first call on fresh tables: nothing to read back, every row is created), then drops the
 * tables.
 */
export async function runCassflowOnce(
  store: BenchStore,
  pipeline: Pipeline,
  event: KinesisStreamEvent,
  rowCacheBytes?: number,
): Promise<CassflowRun> {
  const tables = pipelineTables(pipeline);
  await store.createTables([...CORE_TABLES, ...tables]);
  try {
    return await timeOneCall(store, pipeline, event, rowCacheBytes);
  } finally {
    await store.dropTables(tables);
  }
}

/**
 * One handler call on tables that exist, timed, with its statements counted and its port calls
 * timed; checks every event was counted once.
 */
export async function timeOneCall(
  store: BenchStore,
  pipeline: Pipeline,
  event: KinesisStreamEvent,
  rowCacheBytes?: number,
): Promise<CassflowRun> {
  const session = new CountingSession(store.session, `${pipeline.name}_`);
  const calls = new Map<string, MethodCalls>();
  const batches: BatchResult[] = [];
  const handler = createAggregateHandler(pipeline, {
    session: () => session,
    logger: new Logger({ serviceName: 'cassflow-bench', logLevel: 'ERROR' }),
    metrics: new Metrics({ namespace: 'cassflow-bench', serviceName: pipeline.name }),
    wrapPorts: (ports) => timePorts(ports, calls),
    onBatch: (result) => batches.push(result),
    ...(rowCacheBytes === undefined ? {} : { rowCacheBytes }),
  });

  const start = performance.now();
  const response = (await handler(event, lambdaContext())) as KinesisStreamBatchResponse;
  const end = performance.now();

  const result = batches[0];
  if (!result) throw new Error(`${pipeline.name}: the handler reported no batch`);
  if (response.batchItemFailures.length > 0 || result.closerError) {
    const why = result.rowErrors?.join('; ') ?? String(result.closerError);
    throw new Error(`${pipeline.name}: the batch did not apply cleanly: ${why}`);
  }
  const counted = await sumColumn(store, pipeline.tables.windows, 'events');
  if (counted !== BigInt(result.records)) {
    throw new Error(`${pipeline.name}: window rows hold ${counted} events, not ${result.records}`);
  }
  const wallMs = end - start;
  return {
    records: result.records,
    rows: result.rows,
    conditionalWrites: result.conditionalWrites,
    casRetries: result.casRetries,
    late: result.late,
    windowsClosed: result.closer?.finalized ?? 0,
    wallMs,
    eventsPerSec: (result.records / wallMs) * 1000,
    lwtStatements: session.total((kind) => kind.includes('+IF')),
    statements: session.total(),
    statementKinds: Object.fromEntries([...session.counts].sort()),
    phases: phasesOf(calls, start, end),
    portCalls: Object.fromEntries(
      [...calls].sort().map(([name, c]) => [name, { count: c.count, meanMs: c.totalMs / c.count }]),
    ),
  };
}
