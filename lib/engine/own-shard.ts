import type { ShardWatermark } from '../store/watermark.ts';
import type { CloserCursor } from '../store/watermark-store.ts';
import type { EnginePorts, EngineSettings } from './ports.ts';

export class ShardStateError extends Error {
  constructor(shardId: string) {
    super(`could not make shard ${shardId} count in the watermark: too many concurrent writers`);
    this.name = 'ShardStateError';
  }
}

/** The pipeline's state as a batch plans with it. */
export type BatchView = { shards: ShardWatermark[]; cursor: CloserCursor | undefined };

const ATTEMPTS = 8;

/**
 * Reads the shards and the closer's cursor, first making sure each of the batch's shards counts
 * in the pipeline's watermark (the cut's guarantee rests on it, see lateness-cut.ts):
 * - a shard with no row yet is registered (no watermark: it holds the pipeline's back);
 * - a shard the tick is probing is made active, so the tick cannot call it idle under the batch;
 * - a shard found idle is made active again.
 * The first and last lower the pipeline's watermark, so they also bump the cursor's version: a
 * closer that read the shards before that then loses its claim and reads them again (a closer
 * reads the cursor, then the shards, and claims on the cursor's version). Normal batches, on an
 * active shard, only read.
 */
export async function readWithShardsCounted(
  shardIds: readonly string[],
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<BatchView> {
  for (let attempt = 1; ; attempt++) {
    const [shards, cursor] = await Promise.all([
      ports.watermarks.readShards(),
      ports.watermarks.readCursor(),
    ]);
    const byId = new Map(shards.map((s) => [s.shardId, s]));
    const missing = shardIds.filter((id) => !byId.has(id));
    const own = shardIds.flatMap((id) => byId.get(id) ?? []);
    const probing = own.filter((s) => s.state === 'probing');
    const idle = own.filter((s) => s.state === 'idle');
    if (missing.length === 0 && probing.length === 0 && idle.length === 0) {
      return { shards, cursor };
    }
    if (attempt > ATTEMPTS) throw new ShardStateError(shardIds[0] ?? '?');
    const now = settings.now();
    await Promise.all([
      ...missing.map((id) => ports.watermarks.registerShard(id, now)),
      ...[...probing, ...idle].map((s) => ports.watermarks.setShardState(s, 'active', now)),
    ]);
    if (missing.length > 0 || idle.length > 0) await bumpCursor(ports);
    // Read again: what was written (or lost to another writer) decides the next round.
  }
}

/**
 * Registers the shards among `shardIds` that have no row yet (a container's first batch enters
 * every open shard of its stream, so the first shard to report cannot close windows the others
 * still feed; the tick does the same for shards a reshard creates). Returns those it entered.
 */
export async function registerShards(
  shardIds: readonly string[],
  ports: EnginePorts,
  settings: EngineSettings,
): Promise<string[]> {
  const known = new Set((await ports.watermarks.readShards()).map((s) => s.shardId));
  const fresh = shardIds.filter((id) => !known.has(id));
  if (fresh.length === 0) return [];
  const now = settings.now();
  const entered: string[] = [];
  for (const id of fresh) if (await ports.watermarks.registerShard(id, now)) entered.push(id);
  // A new shard lowers the watermark: claims made from shards read before must fail.
  await bumpCursor(ports);
  return entered;
}

/**
 * Changes the cursor's version with a compare-and-set of our own: only then has every claim that
 * can still succeed read the cursor, and so the shards, after our change to the shard. (Another
 * writer's change would not do: it may have read the cursor before ours.)
 */
export async function bumpCursor(ports: EnginePorts): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (await ports.watermarks.bumpCursor(await ports.watermarks.readCursor())) return;
  }
  throw new ShardStateError('cursor');
}
