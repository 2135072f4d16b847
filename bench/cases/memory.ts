import v8 from 'node:v8';
import { kinesisEvent } from '../../test/helpers/kinesis-events.ts';
import { benchPipeline, runCassflowOnce } from '../cassflow-run.ts';
import type { BenchCase } from '../harness.ts';
import { benchEvents, shardRecords } from '../records.ts';
import { median, textTable } from '../stats.ts';

const RECORDS = 10_000;
const KEYS = 100_000;
const MiB = 2 ** 20;

/** Collects garbage when node runs with --expose-gc (npm run bench does), so figures start clean. */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function heapUsed(): number {
  return v8.getHeapStatistics().used_heap_size;
}

/** Samples the heap every millisecond the event loop allows while `work` runs; its peak. */
async function peakDuring(work: () => Promise<unknown>): Promise<number> {
  let peak = heapUsed();
  const timer = setInterval(() => {
    peak = Math.max(peak, heapUsed());
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, heapUsed());
}

/**
 * Peak heap while the real handler processes one 10,000-record batch at 100,000 keys, above the
 * heap before the call; the baseline, from the same run, is the heap the batch itself takes
 * (the Lambda event as the runtime hands it over).
 */
export const memoryCase: BenchCase = {
  name: 'memory',
  async run(ctx) {
    collect();
    const before = heapUsed();
    const event = kinesisEvent(shardRecords(benchEvents(RECORDS, KEYS)));
    collect();
    const batchBytes = heapUsed() - before;
    const peaks: number[] = [];
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      const pipeline = benchPipeline(`bench_${ctx.runId}_mem_r${rep}`);
      collect();
      const start = heapUsed();
      const peak = await peakDuring(() => runCassflowOnce(ctx.store, pipeline, event));
      peaks.push(peak - start);
      ctx.progress(
        `memory ${rep}/${ctx.repeats}: peak ${((peak - start) / MiB).toFixed(1)} MiB above the start`,
      );
    }
    const peakMedian = median(peaks);
    const gcExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
    return {
      title: `6. Memory: one ${RECORDS.toLocaleString('en-US')}-record batch at ${KEYS.toLocaleString('en-US')} keys`,
      table: textTable(
        ['what', 'MiB'],
        [
          ['the batch itself (baseline)', (batchBytes / MiB).toFixed(1)],
          ['peak heap during the handler call, above its start', (peakMedian / MiB).toFixed(1)],
          ['ratio', `${(peakMedian / batchBytes).toFixed(2)}x`],
        ],
      ),
      notes:
        'Heap sampled every millisecond during the call (V8 used heap size); median of ' +
        `${ctx.repeats} calls on fresh tables.${gcExposed ? '' : ' Run with --expose-gc for cleaner figures.'}`,
      figures: { records: RECORDS, keys: KEYS, batchBytes, peaks },
      ratios: [{ name: 'peak handler heap / batch size', value: peakMedian / batchBytes }],
    };
  },
};
