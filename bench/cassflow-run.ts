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

/** The benchmarked pipeline: one tumbling window, the four basic aggregates. */
export function benchPipeline(name: string): Pipeline {
  return definePipeline({
    name,
    source: { stream: 'bench' },
    key: 'key',
    time: 'ts',
    windows: [tumbling('1m')],
    aggregates: { n: count(), total: sum('v'), mean: avg('v'), hi: max('v') },
  });
}

/**
 * Where one invocation spent its wall time, in ms (the phases run one after another): decoding
 * and planning, folding into rows, moving the watermark, closing due windows, and closing the
 * windows this batch opened behind the closer's claim (processBatch's closeOwnLateOpens).
 */
export type Phases = {
  decodeAndPlan: number;
  rows: number;
  watermark: number;
  closer: number;
  ownLateOpens: number;
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
 * Phase boundaries from the first calls of port methods, following processBatch's order: rows
 * start with a read, end when late events are written; the closer starts by reading the cursor,
 * and closeOwnLateOpens starts with the last cursor read (when there were at least two).
 */
function phasesOf(calls: Map<string, MethodCalls>, start: number, end: number): Phases {
  const at = (name: string, fallback: number) => calls.get(name)?.firstAt ?? fallback;
  const rowsStart = at('rows.read', start);
  const rowsEnd = at('sideOutputs.lateEvents', rowsStart);
  const cursorReads = calls.get('watermarks.readCursor');
  const closerStart = cursorReads?.firstAt ?? end;
  const ownStart = cursorReads && cursorReads.count > 1 ? cursorReads.lastAt : end;
  return {
    decodeAndPlan: rowsStart - start,
    rows: rowsEnd - rowsStart,
    watermark: closerStart - rowsEnd,
    closer: ownStart - closerStart,
    ownLateOpens: end - ownStart,
  };
}

/**
 * Creates the pipeline's tables, then times ONE call of the real Lambda handler with `event`
 * (the first call on fresh tables: nothing to read back, every row is created), then drops the
 * tables. Dropping makes Cassandra flush and compact (system.paxos above all): `beforeTiming`,
 * run once the tables exist, lets the machine settle from the previous run first.
 */
export async function runCassflowOnce(
  store: BenchStore,
  pipeline: Pipeline,
  event: KinesisStreamEvent,
  beforeTiming: () => Promise<unknown> = async () => {},
): Promise<CassflowRun> {
  const tables = pipelineTables(pipeline);
  await store.createTables([...CORE_TABLES, ...tables]);
  try {
    await beforeTiming();
    return await timeOneCall(store, pipeline, event);
  } finally {
    await store.dropTables(tables);
  }
}

/** One handler call, timed, with its statements counted and its port calls timed. */
async function timeOneCall(
  store: BenchStore,
  pipeline: Pipeline,
  event: KinesisStreamEvent,
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
