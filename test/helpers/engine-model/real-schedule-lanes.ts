import type { Pipeline } from '#lib/pipeline/spec';
import type { CassandraSession } from '#lib/store/session';
import { outcomeProblems } from './check-outcome.ts';
import { cqlWorld } from './cql-world.ts';
import { runScheduleIn, type ScheduleRun } from './run-schedule.ts';
import { T0 } from './scenario.ts';
import type { StoreSnapshot } from './store-snapshot.ts';

const DAY = 86_400_000;

/** What the lanes' schedules found: a line per failed schedule, and the records they ran. */
export type LanesOutcome = { failures: string[]; events: number };

/**
 * Runs `perLane` seeded schedules per lane on the real store, the lanes side by side (each
 * pipeline has tables of its own), each schedule with its own day of event time and keys;
 * checks each with outcomeProblems and `more`.
 */
export async function runScheduleLanes(
  session: CassandraSession,
  lanes: readonly Pipeline[],
  perLane: number,
  firstSeed: number,
  options: {
    keysByShard?: boolean;
    more?: (run: ScheduleRun, snapshot: StoreSnapshot) => string[];
  } = {},
): Promise<LanesOutcome> {
  const outcome: LanesOutcome = { failures: [], events: 0 };
  await Promise.all(
    lanes.map(async (pipeline, lane) => {
      for (let i = 0; i < perLane; i++) {
        const seed = firstSeed + lane * perLane + i;
        const base = T0 + (lane * perLane + i + 1) * DAY;
        const world = await cqlWorld(session, pipeline, seed, base);
        const shape = {
          base,
          prefix: world.prefix,
          scale: 0.4,
          ...(options.keysByShard ? { keysByShard: true } : {}),
        };
        const run = await runScheduleIn(world, seed, shape);
        outcome.events += [...run.stream.shards.values()].reduce((n, s) => n + s.records.length, 0);
        const snapshot = await run.snapshot();
        const problems = [
          ...outcomeProblems(pipeline, snapshot, run.stream),
          ...(options.more?.(run, snapshot) ?? []),
        ];
        if (problems.length > 0) {
          outcome.failures.push(`seed ${seed} (lane ${lane}): ${problems.slice(0, 3).join('; ')}`);
        }
      }
    }),
  );
  return outcome;
}
