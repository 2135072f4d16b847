/**
 * How the model store misbehaves, decided by a seeded generator so a failing schedule repeats.
 *
 * Every store call first yields a few turns (so the shards' invocations interleave), then may
 * fail in a way a real store fails:
 * - `lost`: it times out and nothing happened;
 * - `applied`: it times out, but it happened;
 * - `pending` (conditional writes on Cassandra only): Paxos accepted the write but did not
 *   commit it; the next round on that partition completes it or supersedes it for ever;
 * - `late` (plain writes at a client timestamp only): it times out and lands some turns later.
 */
export type CallFault = 'none' | 'lost' | 'applied' | 'pending' | 'late';

/** Calls that may land after they timed out: a single-writer row write (ModelStore.writeAt). */
export const LATE_LANDING_OPS = new Set(['writeAt', 'rows.writeAt']);

export class StoreTimeout extends Error {
  constructor(op: string, fault: CallFault) {
    super(`model store: ${op} timed out (${fault})`);
    this.name = 'StoreTimeout';
  }
}

/** The invocation a call belongs to was stopped (Lambda's timeout): it learns nothing more. */
export class Killed extends Error {
  constructor() {
    super('invocation stopped at its timeout');
    this.name = 'Killed';
  }
}

export type FaultRates = {
  /** Chance that a call times out (split evenly among the faults the call allows). */
  timeout: number;
  /** Most turns a call yields before and after it runs. */
  maxYields: number;
  /** Chance that a call that may land late does (LATE_LANDING_OPS), besides `timeout`. */
  lateWrites?: number;
};

export class FaultPlan {
  #random: () => number;
  rates: FaultRates;
  /** Calls of these shards' invocations time out while set (a shard failing for a long time). */
  readonly failing = new Set<string>();
  /** A simulated clock: every call moves it on a little. */
  now: number;

  constructor(random: () => number, rates: FaultRates, start: number) {
    this.#random = random;
    this.rates = rates;
    this.now = start;
  }

  random(): number {
    return this.#random();
  }

  /** Replaces the generator (a directed test that wants every coin to land one way). */
  useRandom(random: () => number): void {
    this.#random = random;
  }

  /** Lets other invocations run for a random number of turns, and the clock move on. */
  async yieldTurns(): Promise<void> {
    const turns = Math.floor(this.#random() * (this.rates.maxYields + 1));
    for (let i = 0; i < turns; i++) await Promise.resolve();
    this.now += 1 + Math.floor(this.#random() * 20);
  }

  /** Faults for chosen calls (directed tests): the first entry matching a call is used up. */
  readonly forced: { op: string; fault: CallFault }[] = [];

  /** The fault of one call: `pending` only where the call is a Paxos round. */
  faultOf(conditional: boolean, owner: string | undefined, op = ''): CallFault {
    const i = this.forced.findIndex((f) => f.op === op);
    const forced = i >= 0 ? this.forced.splice(i, 1)[0] : undefined;
    if (forced) return forced.fault === 'pending' && !conditional ? 'lost' : forced.fault;
    if (owner !== undefined && this.failing.has(owner)) return 'lost';
    if (
      this.rates.lateWrites &&
      LATE_LANDING_OPS.has(op) &&
      this.#random() < this.rates.lateWrites
    ) {
      return 'late';
    }
    if (this.#random() >= this.rates.timeout) return 'none';
    const choices: CallFault[] = conditional
      ? ['lost', 'applied', 'pending']
      : LATE_LANDING_OPS.has(op)
        ? ['lost', 'applied', 'late']
        : ['lost', 'applied'];
    return choices[Math.floor(this.#random() * choices.length)] ?? 'lost';
  }
}
