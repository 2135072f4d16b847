import { setTimeout as sleep } from 'node:timers/promises';
import type { Pipeline } from '#lib/pipeline/spec';
import { CqlWindowRows } from '#lib/store/cql-window-rows';
import { finalRowBucket } from '#lib/store/row-ref';
import type { CassandraSession } from '#lib/store/session';
import type { WindowRowId } from '#lib/store/window-rows';
import { tumblingWindowOf } from '#lib/windows/tumbling';
import type { ProbeSent } from './load.ts';

/** How often pending probes' rows are looked for: the resolution of the latencies. */
const POLL_MS = 50;

/**
 * Looks for each probe's window row in Cassandra (a single-partition read through the engine's
 * own window-row store) until it appears, and keeps the time from the probe's PutRecords
 * returning to its row being readable.
 */
export class ProbeWatch {
  /** Probes whose row was seen, with the time from their PutRecords returning. */
  readonly seen: { probe: ProbeSent; latencyMs: number }[] = [];
  /** Every probe added, seen or not. */
  readonly probes: ProbeSent[] = [];
  readonly #rows: CqlWindowRows;
  readonly #pipeline: Pipeline;
  readonly #pending = new Map<string, { probe: ProbeSent; row: WindowRowId }>();
  #stopped = false;
  #loop: Promise<void> | undefined;
  #error: unknown;

  constructor(session: CassandraSession, pipeline: Pipeline) {
    this.#rows = new CqlWindowRows(session, pipeline);
    this.#pipeline = pipeline;
  }

  get sent(): number {
    return this.probes.length;
  }

  /** The latencies of the seen probes sent at or after `from` (all of them by default). */
  latencies(from = Number.NEGATIVE_INFINITY): number[] {
    return this.seen.filter((s) => s.probe.putReturnedAt >= from).map((s) => s.latencyMs);
  }

  get pending(): number {
    return this.#pending.size;
  }

  add(probe: ProbeSent): void {
    const window = this.#pipeline.windows[0];
    if (window?.spec.kind !== 'tumbling') throw new Error('probes need a tumbling window');
    const { start } = tumblingWindowOf(probe.ts, window.spec.size);
    const row = {
      key: probe.key,
      window: window.name,
      bucket: finalRowBucket(window.spec, start),
      start,
    };
    this.#pending.set(probe.key, { probe, row });
    this.probes.push(probe);
  }

  start(): void {
    this.#loop ??= this.#poll();
  }

  /** Waits until every probe sent so far was seen, or `timeoutMs` passed. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#pending.size > 0 && Date.now() < deadline && !this.#error) await sleep(POLL_MS);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    if (this.#error) throw new Error(`looking for probe rows failed: ${String(this.#error)}`);
  }

  async #poll(): Promise<void> {
    while (!this.#stopped && !this.#error) {
      await Promise.all([...this.#pending.values()].map((p) => this.#check(p))).catch((error) => {
        this.#error = error;
      });
      await sleep(POLL_MS);
    }
  }

  async #check({ probe, row }: { probe: ProbeSent; row: WindowRowId }): Promise<void> {
    if (!(await this.#rows.read(row))) return;
    this.seen.push({ probe, latencyMs: Date.now() - probe.putReturnedAt });
    this.#pending.delete(probe.key);
  }
}
