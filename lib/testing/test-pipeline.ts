import type { TypedPipeline } from '../pipeline/typed.ts';
import type { WindowResult } from '../query/window-result.ts';
import {
  type DeadLetter,
  type DriverFigures,
  type DriverOptions,
  type LateEvent,
  PipelineTestDriver,
} from './pipeline-test-driver.ts';
import type { RawRecord } from './test-records.ts';

export type TestPipelineOptions = DriverOptions & {
  /** Records per batch, as Lambda would hand them over (default 100). */
  batchSize?: number;
};

export type PipelineTestResult<Event, Results> = {
  /** Every window, final (all are, once the events are done), by key, window and start. */
  windows: WindowResult<Results>[];
  late: LateEvent<Event>[];
  deadLetters: DeadLetter<Event>[];
  figures: DriverFigures;
};

/**
 * Runs a pipeline over `events` in memory, in order, on one shard, then lets event time pass
 * every window's close, and returns what it wrote: the windows with their typed results, the
 * late events and the dead letters. For a run in steps (several shards, event time moved by
 * hand) use PipelineTestDriver.
 *
 * @example
 * const { windows } = await testPipeline(pageViews, [
 *   { page: '/a', user: 'u1', ts: '2026-01-01T00:00:10Z', ms: 12 },
 *   { page: '/a', user: 'u2', ts: '2026-01-01T00:00:20Z', ms: 30 },
 * ]);
 * expect(windows[0]?.values.views).toBe(2n);
 */
export async function testPipeline<Event, Results>(
  pipeline: TypedPipeline<Event, Results>,
  events: readonly (Event | RawRecord)[],
  options: TestPipelineOptions = {},
): Promise<PipelineTestResult<Event, Results>> {
  const driver = new PipelineTestDriver(pipeline, options);
  const size = options.batchSize ?? 100;
  for (let i = 0; i < events.length; i += size) await driver.send(events.slice(i, i + size));
  await driver.finish();
  return {
    windows: driver.windows(),
    late: driver.late,
    deadLetters: driver.deadLetters,
    figures: driver.figures,
  };
}
