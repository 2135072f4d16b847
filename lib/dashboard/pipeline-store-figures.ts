import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { ShardCheckpoints } from '../store/checkpoints.ts';
import { type DeadLetterLine, deadLetterLines } from '../store/dead-letter-lines.ts';
import type { CassandraSession } from '../store/session.ts';
import { HOUR_MS, utcHour } from '../store/utc-periods.ts';
import { pipelineWatermark, type ShardState } from '../store/watermark.ts';
import { CqlWatermarks } from '../store/watermark-store.ts';
import { countDueWindows } from './due-windows.ts';

/** A time as the page shows it: epoch ms, or null for none (no watermark yet). */
export type Instant = number | null;

/** One shard as the store has it: its checkpoint and, for an aggregation, its watermark. */
export type StoredShard = {
  shardId: string;
  checkpoint?: { sequenceNumber: string; records: number; at: Instant; ended: boolean };
  watermark?: { at: Instant; maxEventTime: Instant; state: ShardState; lastSeen: number };
};

export type { DeadLetterLine };

/** What the store says of one pipeline: shards, watermark, closer, windows due, dead letters. */
export type PipelineStoreFigures = {
  shards: StoredShard[];
  /** The pipeline's watermark: the slowest shard that is not idle, or when all are, the newest. */
  watermark?: Instant;
  /** The closer: windows closing up to `claimed` are being made final, up to `done` are. */
  closer?: { claimed: Instant; done: Instant };
  /** Windows the watermark passed that the closer has not made final yet. */
  dueNotFinal?: { count: number; more: boolean };
  /** Dead letters that arrived in the last hour (`more`: past the count read), newest few. */
  deadLetters: { lastHour: number; more: boolean; recent: DeadLetterLine[] };
};

const RECENT_DEAD_LETTERS = 20;
/** Dead letters read at most per refresh: the count says "more" past it. */
const DEAD_LETTERS_READ = 5_000;
const SHARD_END = -1n;

const instant = (ms: number): Instant => (Number.isFinite(ms) ? ms : null);

/** Reads one pipeline's figures; `mapping` names its event-source mapping's checkpoints. */
export async function readPipelineStoreFigures(
  session: CassandraSession,
  pipeline: AnyPipeline,
  mapping: string,
  nowMs: number,
): Promise<PipelineStoreFigures> {
  const shards = new Map<string, StoredShard>();
  const shard = (shardId: string) => {
    let found = shards.get(shardId);
    if (!found) {
      found = { shardId };
      shards.set(shardId, found);
    }
    return found;
  };
  for (const [id, c] of await new ShardCheckpoints(session).read(mapping, pipeline.stream)) {
    const ended = c.sequenceNumber === SHARD_END;
    shard(id).checkpoint = {
      sequenceNumber: ended ? 'SHARD_END' : String(c.sequenceNumber),
      records: Number(c.records),
      at: c.updatedAt ?? null,
      ended,
    };
  }
  const figures: PipelineStoreFigures = {
    shards: [],
    deadLetters: await recentDeadLetters(session, pipeline.name, nowMs),
  };
  if (pipeline.kind === 'aggregation') {
    const watermarks = new CqlWatermarks(session, pipeline);
    const rows = await watermarks.readShards();
    for (const w of rows) {
      shard(w.shardId).watermark = {
        at: instant(w.watermark),
        maxEventTime: instant(w.maxEventTime),
        state: w.state,
        lastSeen: w.lastSeen,
      };
    }
    const watermark = pipelineWatermark(rows);
    const cursor = await watermarks.readCursor();
    figures.watermark = instant(watermark);
    figures.closer = {
      claimed: instant(cursor?.claimed ?? -Infinity),
      done: instant(cursor?.done ?? -Infinity),
    };
    figures.dueNotFinal = await countDueWindows(session, pipeline, cursor?.done, watermark);
  }
  figures.shards = [...shards.values()].sort((a, b) => a.shardId.localeCompare(b.shardId));
  return figures;
}

/**
 * The last hour's dead letters: the current hour partition, then the one before, at most
 * DEAD_LETTERS_READ rows; the newest few by when they were recorded.
 */
async function recentDeadLetters(session: CassandraSession, source: string, nowMs: number) {
  const recent: DeadLetterLine[] = [];
  let lastHour = 0;
  for (let hour = utcHour(nowMs); hour >= utcHour(nowMs - HOUR_MS); hour -= HOUR_MS) {
    for await (const line of deadLetterLines(session, source, hour)) {
      if (line.arrivedAt < nowMs - HOUR_MS) continue;
      lastHour += 1;
      recent.push(line);
      // Newest first, a few kept: memory stays flat however many there are.
      recent.sort((a, b) => b.recordedAt - a.recordedAt);
      recent.length = Math.min(recent.length, RECENT_DEAD_LETTERS);
      if (lastHour >= DEAD_LETTERS_READ) return { lastHour, more: true, recent };
    }
  }
  return { lastHour, more: false, recent };
}
