import { describe, expect, it } from 'vitest';
import { count } from '#lib/aggregates/basic';
import type { EnginePorts } from '#lib/engine/ports';
import { processBatch } from '#lib/engine/process-batch';
import { bytesOf, RowCache, rowCacheFor } from '#lib/engine/row-cache';
import { rowCacheBytes } from '#lib/lambda/row-cache-size';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { StoredWindowRow } from '#lib/store/window-rows';
import { tumbling } from '#lib/windows/index';
import { calmStore } from '../helpers/engine-model/calm-store.ts';
import { schedulePipeline, T0 } from '../helpers/engine-model/scenario.ts';
import { scheduleRecord } from '../helpers/engine-model/schedule-record.ts';

const KEYS = ['a', 'b', 'c'];

function row(key: string, version: bigint, final = false): StoredWindowRow {
  return {
    key,
    window: 'w',
    bucket: 0,
    start: 0,
    end: 1,
    final,
    events: 1n,
    results: [],
    acc: new Uint8Array(),
    version,
    fences: new Map(),
  };
}

/** The ports with their row reads counted (single rows and rows of a partition). */
function countingReads(ports: EnginePorts) {
  const reads = { rows: 0 };
  const counted: EnginePorts = {
    ...ports,
    rows: {
      ...ports.rows,
      partitionWrites: ports.rows.partitionWrites,
      read: (id) => {
        reads.rows++;
        return ports.rows.read(id);
      },
      readMany: (partition, starts) => {
        reads.rows += starts.length;
        return ports.rows.readMany(partition, starts);
      },
    },
  };
  return { ports: counted, reads };
}

/** One batch on `shardId`: an event per key, all in the same 10 s window. */
const batchOf = (shardId: string, from: number) =>
  KEYS.map((key, i) => scheduleRecord(shardId, from + i, key, T0 + 1000 + from));

describe('RowCache', () => {
  it('keeps the most recently used rows up to its size', () => {
    // Prepare: room for two rows.
    const cache = new RowCache({ maxBytes: 2 * bytesOf(row('a', 1n)) });
    cache.remember(row('a', 1n));
    cache.remember(row('b', 1n));

    // Act: a is used, so b is the one c pushes out.
    cache.get(row('a', 0n));
    cache.remember(row('c', 1n));

    // Assess
    expect(cache.get(row('a', 0n))?.version).toBe(1n);
    expect(cache.get(row('b', 0n))).toBeUndefined();
    expect(cache.get(row('c', 0n))?.version).toBe(1n);
    expect(cache.bytes).toBe(2 * bytesOf(row('a', 1n)));
  });

  it('counts a sketch by its bytes: a row larger than the whole cache is not kept', () => {
    // Prepare
    const cache = new RowCache({ maxBytes: 4096 });
    cache.remember(row('a', 1n));

    // Act
    cache.remember({ ...row('b', 1n), acc: new Uint8Array(8192) });

    // Assess
    expect(cache.get(row('a', 0n))?.version).toBe(1n);
    expect(cache.get(row('b', 0n))).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('keeps its own copy of bytes that are a view of a larger buffer (a pooled read)', () => {
    // Prepare: 16 bytes of accumulator in an 8 KiB pool.
    const pool = new Uint8Array(8192);
    const cache = new RowCache({ maxBytes: 1 << 20 });

    // Act
    cache.remember({ ...row('a', 1n), acc: pool.subarray(100, 116) });

    // Assess
    expect(cache.get(row('a', 0n))?.acc.buffer.byteLength).toBe(16);
  });

  it('does not keep a final row, and drops what it had of it', () => {
    // Prepare
    const cache = new RowCache({ maxBytes: 1 << 20 });
    cache.remember(row('a', 3n));

    // Act
    cache.remember(row('a', 3n, true));

    // Assess
    expect(cache.get(row('a', 0n))).toBeUndefined();
  });

  it('does not remember again a row whose remembered version lost', () => {
    // Prepare
    const cache = new RowCache({ maxBytes: 1 << 20 });
    cache.remember(row('a', 3n));

    // Act
    cache.contended(row('a', 0n));
    cache.remember(row('a', 5n));

    // Assess
    expect(cache.get(row('a', 0n))).toBeUndefined();
  });

  it("trusts a row for at most half its pipeline's retention", () => {
    // Prepare: windows kept for a minute (the table's TTL).
    let now = 0;
    const kept = definePipeline({
      name: 'kept',
      source: { stream: 's' },
      key: 'k',
      time: 'ts',
      windows: [tumbling('10s')],
      aggregates: { n: count() },
      retention: '1m',
    });
    const cache = rowCacheFor(kept, 1 << 20, () => now);
    cache.remember(row('a', 1n));
    cache.remember(row('b', 1n));

    // Act
    now = 29_000;
    const early = cache.get(row('a', 0n));
    now = 31_000;
    const late = cache.get(row('b', 0n));

    // Assess
    expect(early?.version).toBe(1n);
    expect(late).toBeUndefined();
  });

  it("takes a sixteenth of the function's memory", () => {
    expect(rowCacheBytes({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' })).toBe(8 * 1024 * 1024);
    expect(rowCacheBytes({})).toBe(64 * 1024 * 1024);
  });
});

describe.each(['cassandra', 'keyspaces'] as const)('remembered rows on %s', (mode) => {
  const pipeline = schedulePipeline();

  /** This container writes the rows, then another container (its own memory) writes them. */
  async function staleMemory() {
    const { ports: mine, settings, store } = calmStore(mode);
    const other: EnginePorts = { ...mine, rowCache: new RowCache({ maxBytes: 1 << 20 }) };
    await processBatch(pipeline, batchOf('s', 1), mine, settings);
    await processBatch(pipeline, batchOf('t', 1), other, settings);
    return { mine, settings, store };
  }

  it('updates the rows its last batch wrote without reading them', async () => {
    // Prepare: the first batch creates the rows.
    const { ports: base, settings, store } = calmStore(mode);
    const { ports, reads } = countingReads(base);
    await processBatch(pipeline, batchOf('s', 1), ports, settings);
    const before = reads.rows;

    // Act: the same keys, the same windows.
    await processBatch(pipeline, batchOf('s', 10), ports, settings);

    // Assess: no read, and every event counted once.
    expect(reads.rows - before).toBe(0);
    const tumbling = [...store.rows.values()].filter((r) => r.window === pipeline.windows[0]?.name);
    expect(tumbling.map((r) => [r.key, r.events])).toEqual(KEYS.map((k) => [k, 2n]));
  });

  it('loses the compare-and-set on a row another container wrote since, reads it, and counts once', async () => {
    // Prepare
    const { mine, settings, store } = await staleMemory();
    const { ports, reads } = countingReads(mine);

    // Act: this container's memory of the rows is stale.
    const result = await processBatch(pipeline, batchOf('s', 10), ports, settings);

    // Assess: it read them after losing, and every event of the three batches counts once.
    expect(result.casRetries).toBeGreaterThan(0);
    expect(reads.rows).toBeGreaterThan(0);
    const tumbling = [...store.rows.values()].filter((r) => r.window === pipeline.windows[0]?.name);
    expect(tumbling.map((r) => [r.key, r.events])).toEqual(KEYS.map((k) => [k, 3n]));
  });

  it('reads a row whose remembered version lost before, from then on', async () => {
    // Prepare: as above, this container's memory of the rows goes stale and loses once.
    const { mine, settings } = await staleMemory();
    await processBatch(pipeline, batchOf('s', 10), mine, settings);
    const { ports, reads } = countingReads(mine);

    // Act: nobody else wrote since; the rows are still read, not taken from memory.
    const result = await processBatch(pipeline, batchOf('s', 20), ports, settings);

    // Assess
    expect(reads.rows).toBeGreaterThan(0);
    expect(result.casRetries).toBe(0);
  });
});
