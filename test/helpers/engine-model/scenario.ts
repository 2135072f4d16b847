import { count, sum } from '#lib/aggregates/basic';
import type { InputRecord } from '#lib/engine/input-record';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { Pipeline } from '#lib/pipeline/spec';
import { session, sliding, tumbling } from '#lib/windows/index';
import type { ModelShard } from './model-stream.ts';

/** The pipeline every schedule runs: all three window kinds, an exact count and sum. */
export function schedulePipeline(name = 'model'): Pipeline {
  return definePipeline({
    name,
    source: { stream: name },
    key: 'k',
    time: 'ts',
    windows: [tumbling('10s'), sliding('30s', '10s'), session('5s')],
    aggregates: { n: count(), total: sum('v') },
    lateness: { outOfOrder: '2s', allowed: '1s', idleTimeout: '3s', maxFuture: '1d' },
  });
}

export const T0 = Date.UTC(2026, 0, 1);

/**
 * Where a schedule's events sit: event times from `base`, keys prefixed with `prefix` (so
 * schedules sharing a store never meet), and `scale` times the usual number of records.
 */
export type ScenarioShape = { base: number; prefix: string; scale: number };

/** What a schedule is made of, drawn from its seed. */
export type Scenario = {
  shards: ModelShard[];
  /** Shards that end partway, with the children that take over their records. */
  reshards: { parent: string; children: string[]; afterRecord: number }[];
  /** A shard whose calls all fail for a while (longer than the idle timeout). */
  failingShard?: { shardId: string; fromCall: number; calls: number };
  /** Chance that an invocation is stopped at its timeout somewhere along the way. */
  killRate: number;
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
      const body = bad
        ? `{"k": "${prefix}a", "ts": "not a time"}`
        : JSON.stringify({ k: `${prefix}k${Math.floor(random() * 3)}`, ts, v: value++ });
      return {
        shardId,
        sequenceNumber: BigInt(1_000_000 + step),
        partitionKey: 'p',
        data: encoder.encode(body),
        arrivedAt,
      };
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
  };
}
