import { seededRandom } from '#lib/demo/seeded-random';
import { DEFAULT_RETRY } from '#lib/engine/compare-and-set';
import type { EnginePorts, EngineSettings } from '#lib/engine/ports';
import { processBatch } from '#lib/engine/process-batch';
import { runTick } from '#lib/engine/tick';
import type { Pipeline } from '#lib/pipeline/spec';
import type { InputRecord } from '#lib/records/input-record';
import { FaultPlan } from './fault-plan.ts';
import { type Caller, ModelStore, type StoreMode } from './model-store.ts';
import { ModelStream } from './model-stream.ts';
import { type Scenario, type ScenarioShape, scenarioOf, schedulePipeline, T0 } from './scenario.ts';
import type { StoreSnapshot } from './store-snapshot.ts';

/** Where a schedule runs: the model store, or a real Cassandra behind a fault injector. */
export type ScheduleWorld = {
  faults: FaultPlan;
  pipeline: Pipeline;
  portsFor(caller: Caller): EnginePorts;
  /** Lets real I/O happen between the runner's own turns (a real store); none for the model. */
  pause?: () => Promise<void>;
  /** What the schedule left, once it is over (its stream says which records it had). */
  snapshot(stream: ModelStream): Promise<StoreSnapshot>;
};

/** One seeded schedule, run to the end: the stream and the scenario, for checks. */
export type ScheduleRun = {
  seed: number;
  pipeline: Pipeline;
  stream: ModelStream;
  scenario: Scenario;
  invocations: number;
  ticks: number;
  snapshot(): Promise<StoreSnapshot>;
};

const MAX_TURNS = 200_000;

/**
 * A schedule on the model of `mode`; `singleWriter`: of a single-writer pipeline, each key on one
 * line of shards and its records' partition key.
 */
export function runSchedule(
  seed: number,
  mode: StoreMode,
  singleWriter = false,
): Promise<ScheduleRun> {
  const random = seededRandom(seed);
  const faults = new FaultPlan(random, { timeout: random() < 0.5 ? 0.04 : 0, maxYields: 3 }, T0);
  // Single-writer: row writes that time out and land much later, in most schedules.
  if (singleWriter) faults.rates.lateWrites = random() < 0.7 ? 0.1 : 0;
  const store = new ModelStore(mode, faults);
  store.singleWriter = singleWriter;
  return runScheduleIn(
    {
      faults,
      pipeline: schedulePipeline('model', singleWriter),
      portsFor: (caller) => store.portsFor(caller),
      snapshot: async () => store.snapshot(),
    },
    seed,
    { base: T0, prefix: '', scale: 1, keysByShard: singleWriter },
  );
}

/**
 * Runs one schedule as Lambda would: every shard's batches one at a time, all shards at once,
 * each invocation possibly stopped at its timeout (its in-flight call may still land), a failed
 * batch retried from where it failed, bisected after two failures; children of a resharded shard
 * only after their parent is done; the tick at random moments. Then the input stops and ticks run
 * until nothing is left to close (or the check finds what is not).
 */
export async function runScheduleIn(
  world: ScheduleWorld,
  seed: number,
  shape: ScenarioShape,
): Promise<ScheduleRun> {
  const { faults, pipeline } = world;
  const random = () => faults.random();
  const scenario = scenarioOf(random, shape);
  const stream = new ModelStream();
  for (const shard of scenario.shards) stream.add(shard);
  const concurrency = 1 + Math.floor(random() * 4);
  const maxClosesPerRun = 3 + Math.floor(random() * 40);
  const settings: EngineSettings = {
    retry: { ...DEFAULT_RETRY, maxAttempts: 4, baseBackoffMs: 0, maxBackoffMs: 0 },
    concurrency,
    maxClosesPerRun,
    // Derived, not drawn, so that every seed's schedule stays what it was: 1 to 7 windows after
    // a batch leaves most boundaries to later batches and the tick, unless the closer trails by
    // more than 1, 11 or 21 s.
    maxClosesPerBatch: 1 + (maxClosesPerRun % 7),
    maxCloserLagMs: 1_000 + (maxClosesPerRun % 3) * 10_000,
    now: () => faults.now,
  };
  const run: ScheduleRun = {
    seed,
    pipeline,
    stream,
    scenario,
    invocations: 0,
    ticks: 0,
    snapshot: () => world.snapshot(stream),
  };
  let turns = 0;
  const turn = async () => {
    if (++turns > MAX_TURNS) throw new Error(`schedule ${seed}: no end after ${MAX_TURNS} turns`);
    await faults.yieldTurns();
    await world.pause?.();
    arrive(stream, scenario, faults.now);
    const failing = scenario.failingShard;
    if (failing) {
      const from = shape.base + failing.fromCall * 100;
      if (faults.now >= from && faults.now < from + 5000) faults.failing.add(failing.shardId);
      else faults.failing.delete(failing.shardId);
    }
  };

  // Single-writer: Lambda sends a shard's next batch to another of its containers now and then
  // (and back), whose remembered rows must then not be trusted (claim-shards.ts). Each container's
  // clock is off by up to 1.5 s: claims must not depend on clocks agreeing.
  const containers = new Map<string, number>();
  const skews = new Map<string, number>();
  const containerOf = (owner: string) => {
    if (random() < 0.2) containers.set(owner, Math.floor(random() * 3));
    const container = `${owner}@${containers.get(owner) ?? 0}`;
    if (!skews.has(container)) skews.set(container, Math.floor((random() - 0.5) * 3000));
    return container;
  };
  const invoke = async (
    records: InputRecord[],
    owner: string,
  ): Promise<'ok' | bigint | 'failed'> => {
    run.invocations += 1;
    const caller: Caller = {
      owner,
      killed: false,
      ...(pipeline.singleWriter ? { container: containerOf(owner) } : {}),
    };
    const killAfter = random() < scenario.killRate ? Math.floor(random() * 30) : undefined;
    const stopped = new Promise<'failed'>((resolve) => {
      if (killAfter === undefined) return;
      (async () => {
        for (let i = 0; i < killAfter; i++) await Promise.resolve();
        caller.killed = true;
        resolve('failed');
      })();
    });
    const skew = caller.container === undefined ? 0 : (skews.get(caller.container) ?? 0);
    const clock = skew === 0 ? settings : { ...settings, now: () => faults.now + skew };
    const working = processBatch(pipeline, records, world.portsFor(caller), clock).then(
      (result) => (result.failedAt ? result.failedAt.sequenceNumber : ('ok' as const)),
      () => 'failed' as const,
    );
    // Lambda's answer is whichever comes first; a stopped invocation's writes may still land.
    return Promise.race([working, stopped]);
  };

  const doneShards = new Set<string>();
  const pollShard = async (shardId: string) => {
    const shard = stream.shards.get(shardId);
    if (!shard) return;
    while (shard.parentIds.some((p) => !doneShards.has(p))) await turn();
    let position: bigint | undefined;
    let pending: InputRecord[][] = [];
    let failures = 0;
    for (;;) {
      await turn();
      if (pending.length === 0) {
        const next = stream.arrivedAfter(shardId, position).slice(0, 2 + Math.floor(random() * 10));
        if (next.length === 0) {
          if (shard.arrived >= shard.records.length && (shard.ended || stream.allArrived())) break;
          continue;
        }
        pending = [next];
      }
      const batch = pending[0] as InputRecord[];
      const outcome = await invoke(batch, shardId);
      if (outcome === 'ok') {
        position = batch.at(-1)?.sequenceNumber;
        pending.shift();
        failures = 0;
      } else if (outcome === 'failed') {
        failures += 1;
        // Bisect after two failures, as cassflow's event source does (bisectBatchOnError).
        if (failures >= 2 && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          pending.splice(0, 1, batch.slice(0, half), batch.slice(half));
          failures = 0;
        }
      } else {
        // A partial batch response: everything before `outcome` is done; retry from there.
        const rest = batch.filter((r) => r.sequenceNumber >= outcome);
        position =
          batch.filter((r) => r.sequenceNumber < outcome).at(-1)?.sequenceNumber ?? position;
        pending[0] = rest;
        failures += 1;
      }
    }
    doneShards.add(shardId);
  };

  /** One tick; true when its closer stopped at its limit (more is due than a run may close). */
  const tick = async (): Promise<boolean> => {
    run.ticks += 1;
    const caller: Caller = { killed: false };
    try {
      const result = await runTick(
        pipeline,
        world.portsFor(caller),
        stream.source(() => faults.yieldTurns()),
        settings,
      );
      return !result.closer.complete;
    } catch {
      // A failed tick changes nothing the next one does not redo.
      return false;
    }
  };
  let polling = true;
  const ticker = (async () => {
    while (polling) {
      const wait = 20 + Math.floor(random() * 200);
      for (let i = 0; i < wait && polling; i++) await turn();
      if (polling) await tick();
    }
  })();

  await Promise.all(scenario.shards.map((s) => pollShard(s.shardId)));
  polling = false;
  await ticker;
  // The input has stopped and the store answers again (a real tick runs every minute for ever:
  // it gets a run without a fault sooner or later); the clock runs on past the idle timeout.
  faults.failing.clear();
  faults.rates = { ...faults.rates, timeout: 0 };
  for (let i = 0; i < 12; i++) {
    faults.now += pipeline.lateness.idleTimeoutMs + 1000;
    await tick();
  }
  // Then as many more as the closer's limit per run needs (many keys, a small limit).
  for (let i = 0; i < 1000 && (await tick()); i++) faults.now += 1000;
  return run;
}

/** Releases the records whose time has come, and reshards once a parent's last record is in. */
function arrive(stream: ModelStream, scenario: Scenario, now: number): void {
  for (const shard of stream.shards.values()) {
    if (!shard.visible) continue;
    while (
      shard.arrived < shard.records.length &&
      (shard.records[shard.arrived]?.arrivedAt ?? 0) <= now
    ) {
      shard.arrived += 1;
    }
  }
  for (const reshard of scenario.reshards) {
    const parent = stream.shards.get(reshard.parent);
    if (!parent || parent.ended || parent.arrived < parent.records.length) continue;
    parent.ended = true;
    for (const child of reshard.children) {
      const shard = stream.shards.get(child);
      if (shard) shard.visible = true;
    }
  }
}
