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

/**
 * Samples the heap while `work` runs: every millisecond the event loop allows, its used size
 * (garbage not yet collected included: V8 collects when it likes), or, with `live`, after a full
 * collection every 5 ms (what the call still holds: the memory it needs). The peak of either.
 */
async function peakDuring(work: () => Promise<unknown>, live: boolean): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = () => {
    if (live) gc?.();
    return heapUsed();
  };
  let peak = sample();
  const timer = setInterval(
    () => {
      peak = Math.max(peak, sample());
    },
    live ? 5 : 1,
  );
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, sample());
}

type Way = { name: string; live: boolean; rowCacheBytes?: number };

const WAYS: Way[] = [
  { name: 'used heap, garbage included', live: false },
  { name: 'live heap (collected every 5 ms)', live: true },
  { name: 'live heap, row cache off', live: true, rowCacheBytes: 0 },
];

/**
 * Peak heap while the real handler processes one 10,000-record batch at 100,000 keys, above the
 * heap before the call, three ways (WAYS); the baseline, from the same run, is the heap the batch
 * itself takes (the Lambda event as the runtime hands it over). The row cache keeps what the call
 * wrote, within its budget: a warm container's cache is already at its size, so the call's own
 * need is the live peak with it off.
 */
export const memoryCase: BenchCase = {
  name: 'memory',
  async run(ctx) {
    collect();
    const before = heapUsed();
    const event = kinesisEvent(shardRecords(benchEvents(RECORDS, KEYS)));
    collect();
    const batchBytes = heapUsed() - before;
    const peaks = new Map<string, number[]>(WAYS.map((w) => [w.name, []]));
    for (let rep = 1; rep <= ctx.repeats; rep++) {
      for (const [i, way] of WAYS.entries()) {
        const pipeline = benchPipeline(`bench_${ctx.runId}_mem_r${rep}_${i}`);
        collect();
        const start = heapUsed();
        const peak = await peakDuring(
          () => runCassflowOnce(ctx.store, pipeline, event, way.rowCacheBytes),
          way.live,
        );
        peaks.get(way.name)?.push(peak - start);
        ctx.progress(
          `memory ${rep}/${ctx.repeats}, ${way.name}: peak ${((peak - start) / MiB).toFixed(1)} MiB above the start`,
        );
      }
    }
    const medians = WAYS.map((w) => median(peaks.get(w.name) ?? []));
    const needed = medians[2] ?? 0;
    const gcExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
    return {
      title: `6. Memory: one ${RECORDS.toLocaleString('en-US')}-record batch at ${KEYS.toLocaleString('en-US')} keys`,
      table: textTable(
        ['what', 'MiB', 'vs batch'],
        [
          ['the batch itself (baseline)', (batchBytes / MiB).toFixed(1), '1.00x'],
          ...WAYS.map((w, i) => [
            `peak during the call, ${w.name}`,
            ((medians[i] ?? 0) / MiB).toFixed(1),
            `${((medians[i] ?? 0) / batchBytes).toFixed(2)}x`,
          ]),
        ],
      ),
      notes:
        "Peaks above the heap at the call's start (V8 used heap size), median of " +
        `${ctx.repeats} calls each way on fresh tables. The row cache keeps the rows the call ` +
        "wrote, up to a sixteenth of the function's memory; in a warm container it is already " +
        "full, so the call's own need is the live peak with the cache off." +
        `${gcExposed ? '' : ' Run with --expose-gc: without it the live peaks are not live.'}`,
      figures: { records: RECORDS, keys: KEYS, batchBytes, peaks: Object.fromEntries(peaks) },
      ratios: [
        { name: 'peak handler heap (used) / batch size', value: (medians[0] ?? 0) / batchBytes },
        {
          name: 'peak handler heap (live, cache off) / batch size',
          value: needed / batchBytes,
          target: 3,
          atMost: true,
        },
      ],
    };
  },
};
