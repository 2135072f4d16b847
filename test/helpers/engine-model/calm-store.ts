import { seededRandom } from '#lib/demo/seeded-random';
import type { EngineSettings } from '#lib/engine/ports';
import { FaultPlan } from './fault-plan.ts';
import { ModelStore, type StoreMode } from './model-store.ts';
import { T0 } from './scenario.ts';

/**
 * An in-memory store without faults or turns (directed tests, the fuzz), the settings of an
 * invocation on it, and its ports; its clock starts at `start`.
 */
export function calmStore(mode: StoreMode = 'cassandra', start = T0) {
  const faults = new FaultPlan(seededRandom(1), { timeout: 0, maxYields: 0 }, start);
  const store = new ModelStore(mode, faults);
  const settings: EngineSettings = {
    retry: { maxAttempts: 4, baseBackoffMs: 0, maxBackoffMs: 0 },
    concurrency: 4,
    maxClosesPerRun: 10_000,
    maxClosesPerBatch: 10_000,
    maxCloserLagMs: 0,
    now: () => faults.now,
  };
  return { store, faults, settings, ports: store.portsFor({ killed: false }) };
}
