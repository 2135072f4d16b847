import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '#lib/kinesis/client';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import { loadPipelineFile } from '#lib/pipeline-file/load-pipeline-file';
import { maxKeyBytes } from '#lib/store/key-limits';
import { DEAD_LETTERS } from '#lib/store/schema/core-tables';
import { main } from '../../cli/main.ts';
import { type CliProcess, cliProcess } from '../helpers/cli-process.ts';
import { collectOutput } from '../helpers/collect-output.ts';
import { allRows, integrationConfig, storeSession } from '../helpers/integration-config.ts';
import {
  MAX_RAW_BYTES,
  type NastyRecord,
  nastyCatalogue,
  nastyPipelineSource,
} from '../helpers/nasty-records.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOUR = 3_600_000;
const MINUTE = 60_000;
const suffix = Date.now().toString(36);
const NAME = `nasty_${suffix}`;
const STREAM = `nasty-records-${suffix}`;
const config = integrationConfig();
const kinesis = createKinesisClient(config.kinesis);
const { session, client } = storeSession(config);
let runtime: CliProcess | undefined;
let file = '';

afterAll(async () => {
  runtime?.child.kill('SIGKILL');
  await deleteStream(kinesis, STREAM);
  kinesis.destroy();
  await client.shutdown();
  if (file) rmSync(dirname(file), { recursive: true, force: true });
});

type Sent = NastyRecord & { shardId: string; sequence: string };
type WindowJson = { key: string; window: string; start: string; final: boolean; events: number };
type Found = {
  windows: (WindowJson & { values: Record<string, number> })[];
  late: Row[];
  dead: Row[];
};
type Row = Awaited<ReturnType<typeof allRows>>[number];

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const windowStart = (at: number) => new Date(Math.floor(at / MINUTE) * MINUTE).toISOString();

/** `cassflow <args>` in-process, on this run's keyspace: its stdout lines. */
async function cassflow(args: string[]): Promise<{ info: string[]; error: string[] }> {
  const saved = process.env.CASSANDRA_KEYSPACE;
  process.env.CASSANDRA_KEYSPACE = config.cassandra.keyspace;
  try {
    const output = collectOutput();
    expect(await main(args, output.out), output.error.join('\n')).toBe(0);
    return output;
  } finally {
    if (saved === undefined) delete process.env.CASSANDRA_KEYSPACE;
    else process.env.CASSANDRA_KEYSPACE = saved;
  }
}

/** Every place a record can end in: the windows, the late events and the dead letters. */
async function readPlaces(arrivals: { from: number; to: number }): Promise<Found> {
  const windows = (await cassflow(['query', '--pipeline', file, '--all', '--json'])).info.map(
    (line) => JSON.parse(line),
  );
  const late: Row[] = [];
  const days = new Set(
    [arrivals.from, arrivals.to].map((t) => new Date(t).toISOString().slice(0, 10)),
  );
  for (const day of days) {
    const cql = `SELECT sequence_number, window, key, event_time FROM ${session.table(`${NAME}_late_events`)} WHERE day = ? AND shard_id = ?`;
    late.push(...(await allRows(session, cql, [day, 'shardId-000000000000'])));
  }
  const dead: Row[] = [];
  // Dead letters are partitioned by the UTC hour of their arrival at Kinesis.
  for (let hour = Math.floor(arrivals.from / HOUR) * HOUR; hour <= arrivals.to; hour += HOUR) {
    const cql = `SELECT shard_id, sequence_number, field, reason, raw, raw_bytes, raw_sha256 FROM ${session.table(DEAD_LETTERS.name)} WHERE source = ? AND hour = ?`;
    dead.push(...(await allRows(session, cql, [NAME, new Date(hour)])));
  }
  return { windows, late, dead };
}

/** What each place holds of one record: its key's windows, its late rows, its dead letter. */
function observed(r: Sent, found: Found) {
  const mine = (row: Row) => String(row.get('sequence_number')) === r.sequence;
  return {
    name: r.name,
    windows: found.windows
      .filter((w) => r.key !== undefined && w.key === r.key)
      .map(({ window, start, final, events, values }) => {
        // -0 and 0 are the same sum; toEqual would tell them apart.
        const amount = (values.amount ?? Number.NaN) + 0;
        return { window, start, final, events, orders: values.orders, amount };
      }),
    late: found.late.filter(mine).map((row) => {
      const [key, window, at] = ['key', 'window', 'event_time'].map((c) => row.get(c));
      return { key, window, at: at?.getTime() };
    }),
    dead: found.dead.filter(mine).map((row) => {
      const [field, reason, raw] = ['field', 'reason', 'raw'].map((c) => row.get(c));
      const [rawBytes, rawSha256] = [row.get('raw_bytes'), row.get('raw_sha256')];
      const kept = raw === null ? null : sha256(raw);
      return { shard: row.get('shard_id'), field, reason, raw: kept, rawBytes, rawSha256 };
    }),
  };
}

/** What `observed` must find of a record: one place, the expected one. */
function expectedOf(r: Sent): ReturnType<typeof observed> {
  const e = r.expected;
  const expected: ReturnType<typeof observed> = { name: r.name, windows: [], late: [], dead: [] };
  if (e.fate === 'counted') {
    const start = windowStart(e.at);
    const { final, amount } = e;
    expected.windows.push({ window: 'tumbling_1m', start, final, events: 1, orders: 1, amount });
  } else if (e.fate === 'late') {
    expected.late.push({ key: r.key, window: `tumbling_1m@${windowStart(e.at)}`, at: e.at });
  } else {
    const [shard, raw, rawBytes] = [r.shardId, r.data.subarray(0, MAX_RAW_BYTES), r.data.length];
    const reason = expect.stringMatching(e.reason);
    const kept = { raw: sha256(raw), rawBytes, rawSha256: sha256(r.data) };
    expected.dead.push({ shard, field: e.field, reason, ...kept });
  }
  return expected;
}

const placed = (o: ReturnType<typeof observed>) =>
  o.windows.length + o.late.length + o.dead.length > 0;

describe('a catalogue of nasty records through cassflow run, the local Kinesis and Cassandra', () => {
  it('ends every record in exactly its expected place, and the shard never stalls', {
    timeout: 300_000,
  }, async () => {
    // Arrange: the pipeline file, its own one-shard stream, the runtime as its own process.
    mkdirSync(join(ROOT, '.cache'), { recursive: true });
    file = join(mkdtempSync(join(ROOT, '.cache', 'nasty-records-')), 'pipeline.ts');
    writeFileSync(file, nastyPipelineSource(NAME, STREAM));
    const [pipeline] = (await loadPipelineFile(file)).pipelines;
    if (pipeline?.kind !== 'aggregation') throw new Error('the file defines no aggregation');
    await ensureStream(kinesis, STREAM, 1);
    const env = { ...process.env, CASSANDRA_KEYSPACE: config.cassandra.keyspace };
    runtime = cliProcess(['run', file, '--shards', '1', '--status', '1'], env);
    const { lines } = runtime;
    for (let waited = 0; !lines.some((l) => l.startsWith(`Running ${NAME}`)); waited += 100) {
      if (waited > 60_000) throw new Error(`the runtime did not start:\n${lines.join('\n')}`);
      await sleep(100);
    }

    // Act: every record in catalogue order (PutRecord, each ordered after the one before).
    const from = Date.now();
    const sent: Sent[] = [];
    for (const record of nastyCatalogue(from, maxKeyBytes(pipeline))) {
      const put = await kinesis.send(
        new PutRecordCommand({
          StreamName: STREAM,
          PartitionKey: 'nasty',
          Data: record.data,
          ...(sent.length > 0 ? { SequenceNumberForOrdering: sent.at(-1)?.sequence } : {}),
        }),
      );
      sent.push({ ...record, shardId: put.ShardId ?? '', sequence: put.SequenceNumber ?? '' });
    }
    const arrivals = { from: from - MINUTE, to: Date.now() + MINUTE };
    let found = await readPlaces(arrivals);
    const deadline = Date.now() + 180_000;
    while (!sent.every((r) => placed(observed(r, found))) && Date.now() < deadline) {
      await sleep(1000);
      found = await readPlaces(arrivals);
    }
    const placedIn = Date.now() - from;
    // Stopping lets in-flight batches finish, so what is read next is all there will be.
    const code = await runtime.interrupt();
    found = await readPlaces(arrivals);

    // Assess: every record in exactly its expected place, and nothing else in the windows.
    const counted = sent.filter((r) => r.expected.fate === 'counted');
    const late = sent.filter((r) => r.expected.fate === 'late');
    const dead = sent.filter((r) => r.expected.fate === 'dead-lettered');
    expect(sent.length).toBeGreaterThanOrEqual(30);
    expect(new Set(sent.map((r) => r.shardId))).toEqual(new Set(['shardId-000000000000']));
    expect(
      sent.map((r) => observed(r, found)),
      lines.slice(-30).join('\n'),
    ).toEqual(sent.map(expectedOf));
    expect(found.windows.map((w) => w.key).sort()).toEqual(counted.map((r) => r.key).sort());
    // The shard never stalled: every record handled, none retried, split or discarded.
    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith(`${NAME}: `)).at(-1)).toMatch(
      new RegExp(
        `^${NAME}: ${sent.length} record\\(s\\) in \\d+ invocation\\(s\\), ${dead.length} dead-lettered, ${late.length} late$`,
      ),
    );
    // `cassflow query --key` finds each counted key's window, whatever the key holds.
    const keyed: WindowJson[] = [];
    for (const { key } of counted) {
      const query = await cassflow(['query', '--pipeline', file, '--key', key ?? '', '--json']);
      keyed.push(...query.info.map((line) => JSON.parse(line)));
    }
    expect(keyed).toEqual(counted.map(({ key }) => found.windows.find((w) => w.key === key)));
    // `cassflow dead-letters list` shows exactly the dead-lettered records.
    const list = 'dead-letters list --since -1h --json --limit 1000'.split(' ');
    const listed = await cassflow([...list, '--pipeline', file]);
    const letters = listed.info.map(
      (l) => JSON.parse(l) as { sequenceNumber: string; field: string },
    );
    expect(letters.map((l) => `${l.sequenceNumber} ${l.field}`).sort()).toEqual(
      dead.map((r) => `${r.sequence} ${(r.expected as { field: string }).field}`).sort(),
    );
    expect(listed.error.join('\n')).toMatch(
      new RegExp(`^${dead.length} dead letter\\(s\\) of pipeline ${NAME}$`, 'm'),
    );
    console.log(
      `nasty records: ${sent.length} sent, ${counted.length} counted, ${late.length} late, ` +
        `${dead.length} dead-lettered; all placed ${placedIn} ms after the first was sent`,
    );
  });
});
