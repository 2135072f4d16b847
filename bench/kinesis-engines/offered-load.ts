import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { evenRange } from '#lib/stack/kinesis/engine/hash-keys';
import { percentile } from '../end-to-end/percentile.ts';

export type LoadOptions = {
  shards: number;
  ratePerShard: number;
  seconds: number;
  recordBytes: number;
  /** Window over which rates and latencies are reported, in seconds. */
  windowSeconds: number;
};

export type Window = { accepted: number; throttled: number; putP50Ms: number; putP99Ms: number };

export type LoadFigures = {
  offered: number;
  accepted: number;
  throttled: number;
  /** PutRecords calls that failed as a whole (timeouts, errors). */
  failedCalls: number;
  /** Ticks whose records were not sent because 16 calls were already in flight. */
  skippedTicks: number;
  windows: Window[];
  /** Records read by one reader per shard polling 5 times a second, during the load. */
  readDuringLoad: number;
  /** p99 of (read time − arrival time) over the records read during the load. */
  readLagP99Ms: number;
};

const TICK_MS = 100;
const MAX_IN_FLIGHT = 16;

/** Middle of each shard's hash key range: an explicit hash key sends a record to that shard. */
function shardKeys(shards: number): string[] {
  return Array.from({ length: shards }, (_, i) => {
    const r = evenRange(i, shards);
    return ((r.start + r.end) / 2n).toString();
  });
}

/**
 * Offers `ratePerShard` records a second to each shard, paced every 100 ms in PutRecords of up
 * to 500, without retrying what is refused (the engine's capacity is what is measured), while
 * one reader per shard polls GetRecords 5 times a second.
 */
export async function offerLoad(
  kinesis: KinesisClient,
  stream: string,
  o: LoadOptions,
): Promise<LoadFigures> {
  const keys = shardKeys(o.shards);
  const data = Buffer.alloc(o.recordBytes, 120);
  const windowCount = Math.ceil(o.seconds / o.windowSeconds);
  const windows = Array.from({ length: windowCount }, () => ({
    accepted: 0,
    throttled: 0,
    times: [] as number[],
  }));
  const figures = { offered: 0, accepted: 0, throttled: 0, failedCalls: 0, skippedTicks: 0 };
  const start = Date.now();
  const end = start + o.seconds * 1000;
  let inFlight = 0;
  const calls: Promise<void>[] = [];
  const put = async (entries: PutRecordsRequestEntry[], window: (typeof windows)[number]) => {
    inFlight++;
    const sentAt = Date.now();
    try {
      const result = await kinesis.send(
        new PutRecordsCommand({ StreamName: stream, Records: entries }),
      );
      const throttled = result.FailedRecordCount ?? 0;
      window.accepted += entries.length - throttled;
      window.throttled += throttled;
      window.times.push(Date.now() - sentAt);
    } catch {
      figures.failedCalls++;
    } finally {
      inFlight--;
    }
  };
  const reading = readAll(kinesis, stream, end);
  for (let tick = 0; Date.now() < end; tick++) {
    const due = start + tick * TICK_MS;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const window =
      windows[Math.min(windowCount - 1, Math.floor((due - start) / (o.windowSeconds * 1000)))];
    if (!window) break;
    const perShard = Math.round((o.ratePerShard * TICK_MS) / 1000);
    const entries: PutRecordsRequestEntry[] = [];
    for (let i = 0; i < perShard; i++) {
      for (const key of keys) entries.push({ Data: data, PartitionKey: 'p', ExplicitHashKey: key });
    }
    figures.offered += entries.length;
    if (inFlight >= MAX_IN_FLIGHT) {
      figures.skippedTicks++;
      continue;
    }
    for (let i = 0; i < entries.length; i += 500)
      calls.push(put(entries.slice(i, i + 500), window));
  }
  await Promise.all(calls);
  const read = await reading;
  for (const w of windows) {
    figures.accepted += w.accepted;
    figures.throttled += w.throttled;
  }
  return {
    ...figures,
    windows: windows.map((w) => ({
      accepted: w.accepted,
      throttled: w.throttled,
      putP50Ms: percentile(w.times, 50),
      putP99Ms: percentile(w.times, 99),
    })),
    readDuringLoad: read.count,
    readLagP99Ms: percentile(read.lags, 99),
  };
}

/** One reader per shard from TRIM_HORIZON until `until`, polling 5 times a second. */
async function readAll(kinesis: KinesisClient, stream: string, until: number) {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  const lags: number[] = [];
  let count = 0;
  await Promise.all(
    Shards.map(async (shard) => {
      let { ShardIterator: iterator } = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      while (iterator && Date.now() < until) {
        const polledAt = Date.now();
        try {
          const page = await kinesis.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
          );
          const now = Date.now();
          for (const r of page.Records ?? []) {
            count++;
            if (count % 10 === 0)
              lags.push(now - (r.ApproximateArrivalTimestamp?.getTime() ?? now));
          }
          iterator = page.NextShardIterator;
        } catch {
          // Throttled or slow: poll again at the next slot.
        }
        const wait = polledAt + 200 - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }),
  );
  return { count, lags };
}

/** Reads one shard from TRIM_HORIZON as fast as its limits allow for `seconds`: MiB/s served. */
export async function catchUpRead(
  kinesis: KinesisClient,
  stream: string,
  seconds: number,
): Promise<number> {
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  let iterator = ShardIterator;
  let bytes = 0;
  const start = Date.now();
  while (iterator && Date.now() - start < seconds * 1000) {
    try {
      const page = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
      );
      for (const r of page.Records ?? [])
        bytes += (r.Data?.length ?? 0) + (r.PartitionKey?.length ?? 0);
      iterator = page.NextShardIterator;
      if ((page.Records ?? []).length === 0) break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return bytes / 1024 / 1024 / ((Date.now() - start) / 1000);
}
