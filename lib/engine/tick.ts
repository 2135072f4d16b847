import type { Pipeline } from '../pipeline/spec.ts';
import type { ShardWatermark } from '../store/watermark.ts';
import { type CloserRun, closeDueWindows } from './closer.ts';
import { registerShards } from './own-shard.ts';
import type { EnginePorts, EngineSettings, ShardSource, StreamShard } from './ports.ts';

/** What one tick did. */
export type TickResult = {
  registered: string[];
  idled: string[];
  /** Quiet shards found to have records left (failing, retrying or throttled: they count). */
  behind: string[];
  retired: string[];
  closer: CloserRun;
};

/**
 * The pipeline's clock, on a schedule (every minute by default), whether or not records arrive:
 * 1. Registers every shard the stream lists that has no row (children as soon as a reshard makes
 *    them), so they hold the watermark back before their first batch.
 * 2. Calls a shard idle only when it has been quiet for the idle timeout (or it ended: a reshard
 *    closed it, so its watermark need not hold the children's back) and Kinesis says nothing
 *    is left to read after its last finished batch. Two steps, so no batch can run unseen: first
 *    the shard is marked `probing` (a batch that starts after that makes it active again, which
 *    makes the tick's last step fail), then Kinesis is asked, then `idle` on the probing version.
 * 3. Retires shards that ended, were read to their end and whose children are registered (and,
 *    single-writer, have claimed).
 * 4. Closes due windows, so closing never waits for more input.
 */
export async function runTick(
  pipeline: Pipeline,
  ports: EnginePorts,
  source: ShardSource,
  settings: EngineSettings,
): Promise<TickResult> {
  const listed = await source.listShards();
  // Shards that ended and have no row were retired (or read before cassflow ran): not again.
  const open = listed.filter((s) => !s.ended).map((s) => s.shardId);
  const registered = await registerShards(open, ports, settings);
  const rows = await ports.watermarks.readShards();
  const now = settings.now();
  const ended = new Set(listed.filter((s) => s.ended).map((s) => s.shardId));
  const quiet = rows.filter(
    (s) =>
      s.state !== 'idle' &&
      (ended.has(s.shardId) || s.lastSeen < now - pipeline.lateness.idleTimeoutMs),
  );
  const idled: string[] = [];
  const behind: string[] = [];
  for (const shard of quiet) {
    const outcome = await probe(shard, ports, source);
    if (outcome === 'idle') idled.push(shard.shardId);
    if (outcome === 'behind') behind.push(shard.shardId);
  }
  const retired = await retire(
    listed,
    await ports.watermarks.readShards(),
    ports,
    pipeline.singleWriter === true,
  );
  const closer = await closeDueWindows(pipeline, ports, settings);
  return { registered, idled, behind, retired, closer };
}

async function probe(
  shard: ShardWatermark,
  ports: EnginePorts,
  source: ShardSource,
): Promise<'idle' | 'behind' | 'raced'> {
  let probing = shard;
  if (shard.state !== 'probing') {
    if (!(await ports.watermarks.setShardState(shard, 'probing'))) return 'raced';
    probing = { ...shard, state: 'probing', version: shard.version + 1n };
  }
  if (await source.nothingToRead(shard.shardId, shard.position)) {
    return (await ports.watermarks.setShardState(probing, 'idle')) ? 'idle' : 'raced';
  }
  // Records are waiting: it counts, and its next batch need not touch the row first.
  await ports.watermarks.setShardState(probing, 'active');
  return 'behind';
}

/**
 * Shards that ended, are idle (read to their end) and whose children all have rows; on a
 * single-writer pipeline, rows with a claim: a child's first claim must see its parent's last
 * one, to claim above it (claim-shards.ts).
 */
async function retire(
  listed: readonly StreamShard[],
  rows: readonly ShardWatermark[],
  ports: EnginePorts,
  claimsNeeded: boolean,
): Promise<string[]> {
  const registered = new Set(
    rows.filter((r) => !claimsNeeded || r.claim !== undefined).map((r) => r.shardId),
  );
  const ended = new Set(listed.filter((s) => s.ended).map((s) => s.shardId));
  const children = (id: string) => listed.filter((s) => s.parentIds.includes(id));
  const done = rows.filter(
    (r) =>
      r.state === 'idle' &&
      ended.has(r.shardId) &&
      children(r.shardId).every((c) => registered.has(c.shardId)),
  );
  for (const r of done) await ports.watermarks.removeShard(r.shardId);
  return done.map((r) => r.shardId);
}
