import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '#lib/kinesis/client';
import { readShardToTip } from '#lib/kinesis/shard-reader';
import { deleteStream, listShards } from '#lib/kinesis/streams';
import { main } from '../../cli/main.ts';
import { collectOutput } from '../helpers/collect-output.ts';
import { integrationConfig } from '../helpers/integration-config.ts';
import { startThrottlingProxy, type ThrottlingProxy } from '../helpers/throttling-proxy.ts';

const config = integrationConfig();
const client = createKinesisClient(config.kinesis);
const run = Date.now().toString(36);
let proxy: ThrottlingProxy;
/** Streams this file made; deleted afterwards, as an account's shards are limited. */
const streams: string[] = [];

beforeAll(async () => {
  proxy = await startThrottlingProxy(config.kinesis.endpoint ?? '', {
    rejectCalls: 0.1,
    dropRecords: 0.2,
    seed: 20260101,
  });
});

afterAll(async () => {
  for (const name of streams) await deleteStream(client, name).catch(() => undefined);
  client.destroy();
  await proxy.close();
});

/** Runs `cassflow` in this process with AWS_ENDPOINT_URL_KINESIS set to `endpoint`. */
async function cassflow(args: string[], endpoint?: string) {
  const saved = process.env.AWS_ENDPOINT_URL_KINESIS;
  if (endpoint) process.env.AWS_ENDPOINT_URL_KINESIS = endpoint;
  const { out, info, error } = collectOutput();
  try {
    const code = await main(args, out);
    return { code, info, error };
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_KINESIS;
    else process.env.AWS_ENDPOINT_URL_KINESIS = saved;
  }
}

/** How often each id arrived, over every shard of the stream from its start. */
async function arrivals(stream: string): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  for (const shard of await listShards(client, stream)) {
    const records = await readShardToTip(
      client,
      stream,
      shard.ShardId ?? '',
      { type: 'TRIM_HORIZON' },
      200_000,
    );
    for (const record of records) {
      const id = JSON.parse(Buffer.from(record.Data ?? []).toString('utf8')).id as number;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  return seen;
}

function summaryFigures(lines: string[]) {
  const line = lines.find((l) => l.startsWith('Sent ')) ?? '';
  const match =
    /^Sent (\d+) records .* in ([\d.]+) s \((\d+) rec\/s\): (\d+) retried, (\d+) failed, (\d+) invalid/.exec(
      line,
    );
  expect(match, line).not.toBeNull();
  const [, sent, seconds, rate, retried, failed, invalid] = (match ?? []).map(Number);
  return { line, sent, seconds, rate, retried, failed, invalid };
}

describe('cassflow send', () => {
  it('delivers 50,000 generated events exactly once through injected throughput errors', async () => {
    // Prepare
    const stream = `send-gen-${run}`;
    const count = 50_000;
    streams.push(stream);

    // Act. At 28% failure per attempt, 15 attempts make a record failing for good unlikely
    // (0.28^15 · 50,000 ≈ 0.0003; the default 10 would lose one in about seven runs). Users as
    // partition keys spread the events evenly over 16 shards, so that at a shard's 1,000
    // records/s the 50,000 go in within seconds.
    const args = ['--generate', String(count), '--keys', '20', '--seed', '7'];
    const result = await cassflow(
      [
        'send',
        '--stream',
        stream,
        ...args,
        '--partition-key',
        'user',
        '--create-shards',
        '16',
        '--max-attempts',
        '15',
      ],
      proxy.url,
    );
    const seen = await arrivals(stream);

    // Assess
    const figures = summaryFigures(result.info);
    console.log(figures.line);
    console.log(`proxy: ${JSON.stringify(proxy.counts)}`);
    expect(result.error.filter((l) => !l.startsWith('Created stream'))).toEqual([]);
    expect(result.code).toBe(0);
    expect(proxy.counts.errors).toEqual([]);
    expect(proxy.counts.rejectedCalls).toBeGreaterThan(0);
    expect(proxy.counts.droppedRecords).toBeGreaterThan(0);
    expect(figures).toMatchObject({ sent: count, failed: 0, invalid: 0 });
    expect(figures.retried).toBeGreaterThan(0);
    const missing = Array.from({ length: count }, (_, id) => id).filter((id) => !seen.has(id));
    const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    expect({
      missing: missing.slice(0, 10),
      twice: twice.slice(0, 10),
      distinct: seen.size,
    }).toEqual({
      missing: [],
      twice: [],
      distinct: count,
    });
  }, 900_000);

  it('sends the good lines of a JSON Lines file and names the bad lines', async () => {
    // Prepare
    const stream = `send-file-${run}`;
    streams.push(stream);
    const lines = Array.from({ length: 300 }, (_, id) =>
      JSON.stringify({ id, user: { id: `u${id % 13}` } }),
    );
    lines[56] = '{"id": 56, "user": ';
    lines[119] = JSON.stringify({ id: 119, user: {} });
    lines.splice(200, 0, '', '   ');
    const file = join(tmpdir(), `cassflow-send-${run}.jsonl`);
    writeFileSync(file, `${lines.join('\n')}\n`);

    // Act
    const result = await cassflow([
      'send',
      '--stream',
      stream,
      '--file',
      file,
      '--partition-key',
      'user.id',
      '--create-shards',
      '2',
    ]);
    const seen = await arrivals(stream);

    // Assess
    expect(result.code).toBe(1);
    expect(result.error).toContainEqual(expect.stringMatching(/^line 57: not valid JSON/));
    expect(result.error).toContain("line 120: partition key field 'user.id' is missing");
    expect(summaryFigures(result.info)).toMatchObject({ sent: 298, failed: 0, invalid: 2 });
    const good = Array.from({ length: 300 }, (_, id) => id).filter((id) => id !== 56 && id !== 119);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(good);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('names a missing stream and how to create it', async () => {
    const stream = `send-none-${run}`;
    const result = await cassflow(['send', '--stream', stream, '--generate', '3']);
    expect(result.code).toBe(1);
    expect(result.error.join('\n')).toMatch(
      new RegExp(`Stream '${stream}' does not exist.*--create-shards.*cassflow run`),
    );
  });
});
