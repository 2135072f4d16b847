import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '#lib/kinesis/client';
import { readShardToTip } from '#lib/kinesis/shard-reader';
import { ensureStream, listShards } from '#lib/kinesis/streams';
import type { Pipeline } from '#lib/pipeline/spec';
import { DEAD_LETTERS } from '#lib/store/schema/core-tables';
import { main } from '../../cli/main.ts';
import { collectOutput } from '../helpers/collect-output.ts';
import { integrationConfig } from '../helpers/integration-config.ts';
import { jsonRecord, sequenceNumber } from '../helpers/kinesis-events.ts';
import { pipelineHarness } from '../helpers/pipeline-harness.ts';

const config = integrationConfig();
const suffix = Date.now().toString(36);
const NAME = `dl_cli_${suffix}`;
const STREAM = `dl-cli-${suffix}`;

/** A user's pipeline file, so the commands find it by path as a user's would. */
function pipelineFile(): string {
  mkdirSync('.cache', { recursive: true });
  const file = join(mkdtempSync(join('.cache', 'test-file-')), 'orders.ts');
  writeFileSync(
    file,
    `import { count, definePipeline, sum, tumbling } from 'cassflow';
export default definePipeline({
  name: '${NAME}', source: { stream: '${STREAM}' }, key: 'customer.id', time: 'at',
  windows: [tumbling('1m')], aggregates: { orders: count(), amount: sum('amount') },
  maxEventBytes: 300, deadLetters: { maxRawBytes: 350 },
});\n`,
  );
  return file;
}

const file = pipelineFile();
const shard = 'shardId-000000000000';
const at = Date.now() - 60_000;
const bad = {
  amount: jsonRecord(shard, sequenceNumber(0, 1), { customer: { id: 'c1' }, at, amount: '12.5' }),
  json: jsonRecord(shard, sequenceNumber(0, 2), '{"customer": {"id": "c1"'),
  // Over maxEventBytes and over maxRawBytes: kept cut, so not replayable from here.
  oversize: jsonRecord(shard, sequenceNumber(0, 3), { at, pad: 'x'.repeat(500) }),
};
const kinesis = createKinesisClient(config.kinesis);
const env = { CASSANDRA_KEYSPACE: process.env.CASSANDRA_KEYSPACE };
let harness: Awaited<ReturnType<typeof pipelineHarness>>;

async function cli(...args: string[]) {
  const output = collectOutput();
  const code = await main([...args, '--pipeline', file], output.out);
  return { code, ...output };
}

/** Every record in the stream, read from its start. */
async function streamData(): Promise<string[]> {
  const [only] = await listShards(kinesis, STREAM);
  const records = await readShardToTip(kinesis, STREAM, only?.ShardId ?? '', {
    type: 'TRIM_HORIZON',
  });
  return records.map((r) => new TextDecoder().decode(r.Data));
}

beforeAll(async () => {
  process.env.CASSANDRA_KEYSPACE = config.cassandra.keyspace;
  const module = (await import(pathToFileURL(resolve(file)).href)) as { default: Pipeline };
  harness = await pipelineHarness(module.default);
  await ensureStream(kinesis, STREAM, 1);
  const good = jsonRecord(shard, sequenceNumber(0, 4), { customer: { id: 'c2' }, at, amount: 1 });
  await harness.invoke([bad.amount, bad.json, bad.oversize, good]);
});
afterAll(async () => {
  process.env.CASSANDRA_KEYSPACE = env.CASSANDRA_KEYSPACE;
  kinesis.destroy();
  await harness.close();
});

describe('cassflow dead-letters', () => {
  it('lists them with reasons and counts, and shows one with its raw bytes', async () => {
    // Act
    const all = await cli('dead-letters', 'list', '--since', '-1h', '--json');
    const byField = await cli('dead-letters', 'list', '--since', '-1h', '--field', 'amount');
    const listed = all.info.map((line) => JSON.parse(line) as Record<string, unknown>);
    const id = String(listed.find((l) => l.field === 'amount')?.id);
    const shown = await cli('dead-letters', 'show', id);

    // Assess
    expect(all.code).toBe(0);
    expect(listed.map((l) => [l.sequenceNumber, l.field]).sort()).toEqual(
      [
        [String(bad.amount.sequenceNumber), 'amount'],
        [String(bad.json.sequenceNumber), '(record)'],
        [String(bad.oversize.sequenceNumber), '(record)'],
      ].sort(),
    );
    expect(all.error.join('\n')).toMatch(
      /3 dead letter\(s\) of pipeline dl_cli_\w+\nby field: \(record\) 2, amount 1/,
    );
    expect(byField.info).toHaveLength(1);
    expect(byField.info[0]).toMatch(/amount: must be a number, got string/);
    expect(shown.code).toBe(0);
    expect(shown.info.join('\n')).toMatch(/field +amount\n/);
    expect(shown.info.at(-1)).toBe(new TextDecoder().decode(bad.amount.data));
  });

  it('replays each into the stream once, even when two replays race, and never a cut one', async () => {
    // Act: two replays at once, then a third.
    const [first, second] = await Promise.all([
      cli('dead-letters', 'replay', '--since', '-1h'),
      cli('dead-letters', 'replay', '--since', '-1h'),
    ]);
    const afterRace = await streamData();
    const third = await cli('dead-letters', 'replay', '--since', '-1h');
    const listed = await cli('dead-letters', 'list', '--since', '-1h');

    // Assess: the two replayable ones are in the stream once each, byte for byte.
    expect([first.code, second.code, third.code]).toEqual([0, 0, 0]);
    const expected = [bad.amount, bad.json].map((r) => new TextDecoder().decode(r.data));
    expect([...afterRace].sort()).toEqual([...expected].sort());
    expect(await streamData()).toEqual(afterRace);
    const replayed = [first, second].map((r) => Number(/replayed (\d+)/.exec(r.error.join())?.[1]));
    expect(replayed.reduce((a, b) => a + b, 0)).toBe(2);
    expect(third.error.join()).toMatch(/replayed 0 into .*; already replayed 2; in doubt 0; cut 1/);
    expect(listed.info.filter((l) => /\treplayed as shardId-\d+\/\d+\t/.test(l))).toHaveLength(2);
    expect(listed.info.filter((l) => /\tnot replayable \(cut\)\t/.test(l))).toHaveLength(1);
  });

  it('leaves one claimed by a replay that never confirmed in doubt, until asked to retry it', async () => {
    // Arrange: a new dead letter, claimed by a replay that stopped before sending or confirming.
    const doubt = jsonRecord(shard, sequenceNumber(0, 9), {
      customer: { id: 'c3' },
      at,
      amount: [],
    });
    await harness.invoke([doubt]);
    const [id] = (await cli('dead-letters', 'list', '--since', '-1h', '--json')).info
      .map((line) => JSON.parse(line) as { id: string; sequenceNumber: string })
      .filter((l) => l.sequenceNumber === String(doubt.sequenceNumber))
      .map((l) => l.id);
    await harness.session.execute(
      `UPDATE ${harness.session.table(DEAD_LETTERS.name)} SET replay_claimed_at = toTimestamp(now()), replay_claimed_by = 'crashed' WHERE source = ? AND hour = ? AND shard_id = ? AND sequence_number = ?`,
      [
        NAME,
        new Date(Date.parse(`${String(id).slice(0, 13)}:00:00Z`)),
        shard,
        doubt.sequenceNumber,
      ],
    );
    const before = await streamData();

    // Act
    const plain = await cli('dead-letters', 'replay', '--id', String(id));
    const afterPlain = await streamData();
    const retried = await cli('dead-letters', 'replay', '--id', String(id), '--retry-in-doubt');
    const again = await cli('dead-letters', 'replay', '--id', String(id), '--retry-in-doubt');

    // Assess
    expect(plain.error.join()).toMatch(/replayed 0 .*; in doubt 1;/);
    expect(plain.info.join()).toMatch(/in-doubt\tclaimed by crashed/);
    expect(afterPlain).toEqual(before);
    expect(retried.error.join()).toMatch(/replayed 1 .*; in doubt 0;/);
    expect(again.error.join()).toMatch(/replayed 0 .*; already replayed 1;/);
    expect(await streamData()).toEqual([...before, new TextDecoder().decode(doubt.data)]);
  });

  it('names an id that is not one, and one that is not there', async () => {
    const wrong = await cli('dead-letters', 'show', 'yesterday');
    const missing = await cli('dead-letters', 'show', '2001-01-01T00/shardId-000000000000/1');

    expect(wrong.code).toBe(2);
    expect(wrong.error.join()).toMatch(
      /yesterday is not a dead-letter id \(hour\/shard\/sequence\)/,
    );
    expect(missing.code).toBe(2);
    expect(missing.error.join()).toMatch(/no dead letter 2001-01-01T00\/shardId-000000000000\/1/);
  });
});
