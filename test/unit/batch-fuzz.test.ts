import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { avg, count, sum } from '#lib/aggregates/basic';
import { distinct } from '#lib/aggregates/distinct';
import { quantile } from '#lib/aggregates/quantile';
import { decodeEvent } from '#lib/engine/decode-event';
import { processBatch } from '#lib/engine/process-batch';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { InputRecord } from '#lib/records/input-record';
import { session, sliding, tumbling } from '#lib/windows/index';
import { calmStore } from '../helpers/engine-model/calm-store.ts';
import { cqlDomainChecked } from '../helpers/engine-model/cql-domain.ts';
import type { ModelStore } from '../helpers/engine-model/model-store.ts';

const ARRIVAL = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;
const pipeline = definePipeline({
  name: 'fuzz',
  source: { stream: 'fuzz' },
  key: 'k',
  time: 'ts',
  windows: [tumbling('1m'), sliding('2m', '1m'), session('30s')],
  aggregates: {
    n: count(),
    total: sum('v'),
    mean: avg('v'),
    p95: quantile('v', 0.95),
    values: distinct('v'),
  },
  lateness: { outOfOrder: '5s', allowed: '10s', maxFuture: '1d' },
  maxEventBytes: 4096,
});
const TUMBLING = pipeline.windows[0]?.name as string;

/** Keys as producers send them: text of any kind, numbers of any size, nothing at all. */
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'a', '\u0000', '\u001b'), maxLength: 6 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom('', null, true, [], {}, 'x'.repeat(2000)),
);
/** Times: near the arrival mostly, then epoch seconds, the epoch, huge numbers, text. */
const time = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: ARRIVAL - 40 * DAY, max: ARRIVAL + 2 * DAY }) },
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -1e308, 8.64e15, ARRIVAL / 1000, '2026-06-01T11:59:00Z'),
  fc.string({ maxLength: 30 }),
);
const value = fc.oneof(fc.double(), fc.integer(), fc.jsonValue({ maxDepth: 1 }), fc.boolean());

/** The data of one record: arbitrary bytes, arbitrary JSON, or an event with odd fields. */
const data = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => encode(JSON.stringify(v) ?? 'undefined')),
  fc
    .record({ k: key, ts: time, v: value }, { requiredKeys: [] })
    .map((event) => encode(JSON.stringify(event))),
  // Integers JSON cannot hold exactly, as raw text.
  fc
    .tuple(fc.bigInt(), fc.integer({ min: ARRIVAL - DAY, max: ARRIVAL }))
    .map(([k, ts]) => encode(`{"k": ${k}, "ts": ${ts}, "v": 1}`)),
);

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function records(datas: readonly Uint8Array[], shardId: string): InputRecord[] {
  return datas.map((bytes, i) => ({
    shardId,
    sequenceNumber: BigInt(1000 + i),
    partitionKey: 'p',
    data: bytes,
    arrivedAt: ARRIVAL + i,
  }));
}

/**
 * Where each record ended: dead-lettered when it decodes badly, and otherwise counted in its
 * tumbling window or recorded late for it, exactly once. Returns what is wrong.
 */
function accountingProblems(store: ModelStore, all: readonly InputRecord[]): string[] {
  const problems: string[] = [];
  const snapshot = store.snapshot();
  let good = 0;
  for (const record of all) {
    const id = `${record.shardId}|${record.sequenceNumber}`;
    const decoded = decodeEvent(pipeline, record);
    if (decoded.ok) good += 1;
    if (decoded.ok === snapshot.deadLetterKeys.has(id)) {
      problems.push(`record ${id} ${decoded.ok ? 'is good but dead-lettered' : 'is lost'}`);
    }
  }
  const counted = snapshot.rows
    .filter((r) => r.window === TUMBLING && !r.unwritten)
    .reduce((n, r) => n + Number(r.events), 0);
  const late = [...snapshot.lateKeys].filter((k) => k.split('|')[2]?.startsWith(`${TUMBLING}@`));
  if (counted + late.length !== good) {
    problems.push(`${good} good events, ${counted} counted and ${late.length} late`);
  }
  return problems;
}

describe('any record content through decode, plan and apply (in-memory store)', () => {
  it('never fails a batch and puts every record in exactly one place (100,000+ records)', async () => {
    let total = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(data, { minLength: 1, maxLength: 80, size: 'max' }),
        fc.integer({ min: 1, max: 79 }),
        fc.constantFrom('cassandra' as const, 'keyspaces' as const),
        async (datas, split, mode) => {
          const { store, settings } = calmStore(mode, ARRIVAL);
          const all = records(datas, 'shardId-0');
          // Two batches in a row on the shard, as Lambda delivers them.
          for (const batch of [all.slice(0, split), all.slice(split)]) {
            if (batch.length === 0) continue;
            const result = await processBatch(
              pipeline,
              batch,
              cqlDomainChecked(store.portsFor({ killed: false })),
              settings,
            );
            expect(result.rowErrors ?? []).toEqual([]);
            expect(result.failedAt).toBeUndefined();
            expect(result.closerError).toBeUndefined();
          }
          total += all.length;
          expect(accountingProblems(store, all)).toEqual([]);
        },
      ),
      { numRuns: 2700 },
    );
    console.log(`${total} records in 2,700 runs`);
    expect(total).toBeGreaterThanOrEqual(100_000);
  });
});
