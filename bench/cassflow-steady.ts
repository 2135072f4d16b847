import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { EnginePorts } from '#lib/engine/ports';
import type { BatchResult } from '#lib/engine/process-batch';
import { createAggregateHandler } from '#lib/lambda/aggregate-handler';
import type { Pipeline } from '#lib/pipeline/spec';
import { lambdaContext } from '../test/helpers/lambda-context.ts';
import { type MethodCalls, timePorts } from './instrument.ts';
import type { SteadyBatches } from './steady-batches.ts';
import { type BenchStore, sumColumn } from './store.ts';

/** The steady batches of one run: events/s over all of them, and what they read and wrote. */
export type SteadyRun = {
  records: number;
  eventsPerSec: number;
  /** Row reads over the steady batches (calls of read and readMany). */
  rowReads: number;
  conditionalWrites: number;
  casRetries: number;
};

const READS = ['rows.read', 'rows.readMany'];

/**
 * The real handler, one container for all the batches (as Lambda keeps a warm one for a shard):
 * the first batch untimed, then the steady batches timed one after another. Without
 * `rememberRows` the container forgets every row (no row cache), so each update reads first.
 * Checks every event was counted once.
 */
export async function timeSteadyCalls(
  store: BenchStore,
  pipeline: Pipeline,
  batches: SteadyBatches,
  rememberRows: boolean,
): Promise<SteadyRun> {
  const calls = new Map<string, MethodCalls>();
  const results: BatchResult[] = [];
  const handler = createAggregateHandler(pipeline, {
    session: () => store.session,
    logger: new Logger({ serviceName: 'cassflow-bench', logLevel: 'ERROR' }),
    metrics: new Metrics({ namespace: 'cassflow-bench', serviceName: pipeline.name }),
    wrapPorts: (ports) => timePorts(rememberRows ? ports : forgetful(ports), calls),
    onBatch: (result) => results.push(result),
  });
  const invoke = async (event: KinesisStreamEvent) => {
    const response = (await handler(event, lambdaContext())) as KinesisStreamBatchResponse;
    const result = results.at(-1);
    if (response.batchItemFailures.length > 0 || !result || result.closerError) {
      throw new Error(`${pipeline.name}: a batch did not apply cleanly`);
    }
    return result;
  };
  await invoke(batches.first);
  const readsBefore = rowReadsOf(calls);
  const run: SteadyRun = {
    records: 0,
    eventsPerSec: 0,
    rowReads: 0,
    conditionalWrites: 0,
    casRetries: 0,
  };
  const start = performance.now();
  for (const event of batches.steady) {
    const result = await invoke(event);
    run.records += result.records;
    run.conditionalWrites += result.conditionalWrites;
    run.casRetries += result.casRetries;
  }
  run.eventsPerSec = (run.records / (performance.now() - start)) * 1000;
  run.rowReads = rowReadsOf(calls) - readsBefore;
  const total = run.records + batches.first.Records.length;
  const counted = await sumColumn(store, pipeline.tables.windows, 'events');
  if (counted !== BigInt(total)) {
    throw new Error(`${pipeline.name}: window rows hold ${counted} events, not ${total}`);
  }
  return run;
}

function forgetful(ports: EnginePorts): EnginePorts {
  const { rowCache: _, ...rest } = ports;
  return rest;
}

function rowReadsOf(calls: Map<string, MethodCalls>): number {
  return READS.reduce((n, name) => n + (calls.get(name)?.count ?? 0), 0);
}
