import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, sum } from '#lib/aggregates/basic';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { DEAD_LETTERS } from '#lib/store/schema/core-tables';
import { utcHour } from '#lib/store/utc-periods';
import { tumbling } from '#lib/windows/index';
import { allRows } from '../helpers/integration-config.ts';
import { jsonRecord, type ShardRecord, sequenceNumber } from '../helpers/kinesis-events.ts';
import { pipelineHarness } from '../helpers/pipeline-harness.ts';
import { utcDaysAgo } from '../helpers/recent-day.ts';

// Records arrive now (the harness's Kinesis event), so event times stay within lateness.maxPast.
const NOW = utcDaysAgo(2) + 12 * 3_600_000;
const T0 = NOW - 3_600_000;
const pipeline = definePipeline({
  name: 'it_dead_letters',
  source: { stream: 'orders' },
  key: 'customer.id',
  time: 'at',
  windows: [tumbling('1m')],
  aggregates: { orders: count(), amount: sum('amount') },
  lateness: { maxFuture: '1h' },
  maxEventBytes: 300,
  // Raw bytes past this are cut (the oversize record's): length and SHA-256 keep the whole.
  deadLetters: { keep: '2d', maxRawBytes: 350 },
});

const shard = 'shardId-000000000003';
let position = 0;
const record = (payload: unknown): ShardRecord =>
  jsonRecord(shard, sequenceNumber(3, position++), payload);
const good = (amount: number) => record({ customer: { id: 'c1' }, at: T0 + 1000, amount });

// Every kind of bad record, with the field and the words its dead-letter row must carry.
const bad: { name: string; record: ShardRecord; field: string; says: RegExp }[] = [
  {
    name: 'malformed JSON',
    record: record('{"customer": {"id": "c1"'),
    field: '(record)',
    says: /not valid UTF-8 JSON/,
  },
  {
    name: 'JSON that is not an object',
    record: record('[1, 2]'),
    field: '(record)',
    says: /must be a JSON object, got array/,
  },
  {
    name: 'missing key',
    record: record({ at: T0, amount: 1 }),
    field: 'customer.id',
    says: /missing/,
  },
  {
    name: 'key of the wrong type',
    record: record({ customer: { id: { x: 1 } }, at: T0, amount: 1 }),
    field: 'customer.id',
    says: /object/,
  },
  {
    name: 'missing time',
    record: record({ customer: { id: 'c1' }, amount: 1 }),
    field: 'at',
    says: /missing/,
  },
  {
    name: 'unparseable time',
    record: record({ customer: { id: 'c1' }, at: 'yesterday', amount: 1 }),
    field: 'at',
    says: /yesterday/,
  },
  {
    name: 'far-future time',
    // Judged against the record's arrival at Kinesis (now), so every attempt decides the same.
    record: record({ customer: { id: 'c1' }, at: Date.now() + 2 * 3_600_000, amount: 1 }),
    field: 'at',
    says: /is more than 1h ahead of the record's arrival at .* \(lateness\.maxFuture\)/,
  },
  {
    name: 'time beyond the range of dates',
    record: record({ customer: { id: 'c1' }, at: 1e308, amount: 1 }),
    field: 'at',
    says: /is 1e\+308 ms since the epoch, beyond the range of dates/,
  },
  {
    name: 'time at the epoch',
    record: record({ customer: { id: 'c1' }, at: 0, amount: 1 }),
    field: 'at',
    says: /1970-01-01T00:00:00.000Z is more than 30d before the record's arrival .* \(lateness\.maxPast\)$/,
  },
  {
    name: 'time in epoch seconds',
    record: record({ customer: { id: 'c1' }, at: Math.floor(Date.now() / 1000), amount: 1 }),
    field: 'at',
    says: /\(lateness\.maxPast\); it looks like epoch seconds/,
  },
  {
    name: 'key with a lone surrogate',
    record: record({ customer: { id: 'c\ud800' }, at: T0, amount: 1 }),
    field: 'customer.id',
    says: /not well-formed Unicode/,
  },
  {
    name: 'numeric key beyond 2^53',
    record: record(`{"customer": {"id": 12345678901234567890}, "at": ${T0}, "amount": 1}`),
    field: 'customer.id',
    says: /beyond 2\^53.*send it as a string/,
  },
  {
    name: 'amount of the wrong type',
    record: record({ customer: { id: 'c1' }, at: T0, amount: '12.5' }),
    field: 'amount',
    says: /must be a number, got string/,
  },
  {
    name: 'missing amount',
    record: record({ customer: { id: 'c1' }, at: T0 }),
    field: 'amount',
    says: /missing/,
  },
  {
    name: 'oversize record',
    record: record({ customer: { id: 'c1' }, at: T0, amount: 1, pad: 'x'.repeat(400) }),
    field: '(record)',
    says: /over the limit of 300/,
  },
];

let harness: Awaited<ReturnType<typeof pipelineHarness>>;

beforeAll(async () => {
  harness = await pipelineHarness(pipeline, { now: () => NOW });
});
afterAll(() => harness.close());

// Dead letters are filed by arrival hour, and the harness stamps arrival with the real clock.
const arrivalHours = () => [Date.now() - 3_600_000, Date.now()].map((t) => new Date(utcHour(t)));

async function deadLetter(sequence: bigint) {
  const result = await harness.session.execute(
    `SELECT field, reason, raw, raw_bytes, raw_sha256, TTL(reason) AS ttl, shard_id FROM ${harness.session.table(DEAD_LETTERS.name)} WHERE source = ? AND hour IN ? AND shard_id = ? AND sequence_number = ?`,
    [pipeline.name, arrivalHours(), shard, sequence],
  );
  return result.first();
}

describe('bad records on a real Cassandra', () => {
  it('go to the dead-letter table with a reason naming the field, and the rest of the batch counts', async () => {
    // Arrange: good records before, between and after the bad ones.
    const batch = [good(1), ...bad.slice(0, 5).map((b) => b.record), good(2)];
    batch.push(...bad.slice(5).map((b) => b.record), good(4));

    // Act
    const response = await harness.invoke(batch);
    const rows = await harness.session.execute(
      `SELECT orders, amount FROM ${harness.session.table(pipeline.tables.windows)} WHERE key = 'c1' AND window = 'tumbling_1m' AND window_start = ? ALLOW FILTERING`,
      [new Date(T0)],
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(harness.batches[0]?.deadLettered).toBe(bad.length);
    expect(rows.first()?.get('orders')).toBe(3n);
    expect(rows.first()?.get('amount')).toBe(7);
    for (const b of bad) {
      const row = await deadLetter(b.record.sequenceNumber);
      expect(row, b.name).not.toBeNull();
      expect(row?.get('field'), b.name).toBe(b.field);
      expect(row?.get('reason'), b.name).toMatch(b.says);
      expect(row?.get('reason'), b.name).toMatch(
        new RegExp(`^${b.field.replace(/[().]/g, '\\$&')}: `),
      );
      const data = Buffer.from(b.record.data);
      expect(Buffer.from(row?.get('raw')).equals(data.subarray(0, 350)), b.name).toBe(true);
      expect(row?.get('raw_bytes'), b.name).toBe(data.byteLength);
      expect(row?.get('raw_sha256'), b.name).toBe(createHash('sha256').update(data).digest('hex'));
      // Kept for the pipeline's deadLetters.keep (2 days), not for ever.
      expect(row?.get('ttl'), b.name).toBeGreaterThan(2 * 86_400 - 600);
      expect(row?.get('ttl'), b.name).toBeLessThanOrEqual(2 * 86_400);
    }
  });

  it('are written once however often the batch is replayed', async () => {
    // Act
    const again = await harness.invoke([bad[0]?.record as ShardRecord, good(100)]);
    const all = await allRows(
      harness.session,
      `SELECT sequence_number FROM ${harness.session.table(DEAD_LETTERS.name)} WHERE source = ? AND hour IN ?`,
      [pipeline.name, arrivalHours()],
    );

    // Assess
    expect(again.batchItemFailures).toEqual([]);
    expect(all.length).toBe(bad.length);
  });
});
