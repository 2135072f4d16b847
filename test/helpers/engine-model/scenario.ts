import { count, sum } from '#lib/aggregates/basic';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { Pipeline } from '#lib/pipeline/spec';
import type { InputRecord } from '#lib/records/input-record';
import { session, sliding, tumbling } from '#lib/windows/index';
import type { ModelShard } from './model-stream.ts';

/**
 * The pipeline every schedule runs: all three window kinds, an exact count and sum. Single-writer
 * schedules leave out the session window, which that path refuses.
 */
export function schedulePipeline(name = 'model', singleWriter = false): Pipeline {
  return definePipeline({
    name,
    source: { stream: name },
    key: 'k',
    time: 'ts',
    windows: singleWriter
      ? [tumbling('10s'), sliding('30s', '10s')]
      : [tumbling('10s'), sliding('30s', '10s'), session('5s')],
    aggregates: { n: count(), total: sum('v') },
    lateness: { outOfOrder: '2s', allowed: '1s', idleTimeout: '3s', maxFuture: '1d' },
    ...(singleWriter ? { singleWriter } : {}),
  });
}

export const T0 = Date.UTC(2026, 0, 1);

/**
 * Where a schedule's events sit: event times from `base`, keys prefixed with `prefix` (so
 * schedules sharing a store never meet), and `scale` times the usual number of records.
 */
export type ScenarioShape = {
  base: number;
  prefix: string;
  scale: number;
  /**
   * Single-writer schedules: each key lives on one line of shards (a parent, then one of its
   * children) and is the record's partition key, except for a few records whose partition key
   * differs (`misrouted`), which must be dead letters.
   */
  keysByShard?: boolean;
};

/** What a schedule is made of, drawn from its seed. */
export type Scenario = {
  shards: ModelShard[];
  /** Shards that end partway, with the children that take over their records. */
  reshards: { parent: string; children: string[]; afterRecord: number }[];
  /** A shard whose calls all fail for a while (longer than the idle timeout). */
  failingShard?: { shardId: string; fromCall: number; calls: number };
  /** Chance that an invocation is stopped at its timeout somewhere along the way. */
  killRate: number;
  /** keysByShard: the records sent with a partition key other than their key. */
  misrouted: Set<string>;
};

const encoder = new TextEncoder();

/**
 * Records of one key space over the shards: event times step forward ~300 ms a record with a
 * little disorder, and some records far behind (late for some of their windows), a few bad ones
 * (dead letters), and values that make every count and sum check exact.
 */
export function scenarioOf(random: () => number, shape: ScenarioShape): Scenario {
  const { base, prefix } = shape;
  const shardCount = 2 + Math.floor(random() * 3);
  const shards: ModelShard[] = [];
  const reshards: Scenario['reshards'] = [];
  let value = 1;
  // Some shards go quiet for longer than the idle timeout now and then, and then deliver what
  // was held up all at once: they wake up behind the others (an idle shard counting again).
  const pauseEvery = random() < 0.4 ? 6 + Math.floor(random() * 10) : 0;
  const misrouted = new Set<string>();
  // keysByShard: a shard's keys are its root's, and each child of a split takes half of them.
  const keyOf = (shardId: string, drawn: number) => {
    if (!shape.keysByShard) return `${prefix}k${drawn}`;
    const [root, child] = shardId.split('-').slice(1);
    const slot = child === undefined ? drawn : (drawn % 2) + (child === 'a' ? 0 : 2);
    return `${prefix}s${root}k${slot}`;
  };
  const recordsFor = (shardId: string, n: number, startIndex: number): InputRecord[] =>
    Array.from({ length: n }, (_, i) => {
      const step = startIndex + i;
      const bursty = pauseEvery > 0 && shardId === 'shard-1';
      const pauseEnd = bursty ? (Math.floor(step / pauseEvery) + 1) * pauseEvery * 300 + 4000 : 0;
      const inPause = bursty && step % pauseEvery >= pauseEvery - 4;
      const arrivedAt = base + (inPause ? pauseEnd : step * 300);
      const late = random() < 0.08 ? -Math.floor(random() * 25_000) : 0;
      const ts = base + step * 300 + Math.floor(random() * 1500) - 750 + late;
      const bad = random() < 0.03;
      const key = keyOf(shardId, bad ? 0 : Math.floor(random() * 3));
      const body = bad
        ? `{"k": "${shape.keysByShard ? key : `${prefix}a`}", "ts": "not a time"}`
        : JSON.stringify({ k: key, ts, v: value++ });
      const sequenceNumber = BigInt(1_000_000 + step);
      let partitionKey = 'p';
      if (shape.keysByShard) {
        partitionKey = key;
        if (random() < 0.03) {
          partitionKey = `${key}-elsewhere`;
          misrouted.add(`${shardId}|${sequenceNumber}`);
        }
      }
      return { shardId, sequenceNumber, partitionKey, data: encoder.encode(body), arrivedAt };
    });
  for (let s = 0; s < shardCount; s++) {
    const id = `shard-${s}`;
    const n = Math.max(3, Math.round((8 + Math.floor(random() * 30)) * shape.scale));
    const reshard = s === 0 && random() < 0.3;
    const split = reshard ? Math.floor(n / 2) : n;
    shards.push({
      shardId: id,
      parentIds: [],
      records: recordsFor(id, split, 0),
      arrived: 0,
      ended: false,
      visible: true,
    });
    if (reshard) {
      const children = [`${id}-a`, `${id}-b`];
      for (const child of children) {
        shards.push({
          shardId: child,
          parentIds: [id],
          records: recordsFor(child, Math.ceil((n - split) / 2), split),
          arrived: 0,
          ended: false,
          visible: false,
        });
      }
      reshards.push({ parent: id, children, afterRecord: split });
    }
  }
  const failing = random() < 0.25 ? shards[Math.floor(random() * shards.length)] : undefined;
  return {
    shards,
    reshards,
    ...(failing
      ? {
          failingShard: {
            shardId: failing.shardId,
            fromCall: Math.floor(random() * 40),
            calls: 60,
          },
        }
      : {}),
    killRate: random() < 0.5 ? 0.15 : 0,
    misrouted,
  };
}
