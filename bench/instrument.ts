import type cassandra from 'cassandra-driver';
import type { EnginePorts } from '#lib/engine/ports';
import { type BatchStatement, CassandraSession, type ExecuteOptions } from '#lib/store/session';

/** `UPDATE+IF windows`: the verb, `+IF` for a lightweight transaction, and the table. */
export function statementKind(cql: string, tablePrefix: string): string {
  const verb = cql.trimStart().split(/\s/, 1)[0]?.toUpperCase() ?? '?';
  const conditional = /\sIF\s+(NOT\s+EXISTS|\w+\s*=)/i.test(cql) ? '+IF' : '';
  const table = /(?:FROM|INTO|UPDATE)\s+\w+\.(\w+)/i.exec(cql)?.[1] ?? '?';
  const short = table.startsWith(tablePrefix) ? table.slice(tablePrefix.length) : table;
  return `${verb}${conditional} ${short}`;
}

/**
 * A session that counts the requests it sends, by kind (see statementKind): a batch is one
 * request, counted as `BATCH <kind of its first statement>`.
 */
export class CountingSession extends CassandraSession {
  readonly counts = new Map<string, number>();
  readonly #tablePrefix: string;
  /** Kinds by statement text: the regular expressions once per statement, not per call. */
  readonly #kinds = new Map<string, string>();

  constructor(base: CassandraSession, tablePrefix: string) {
    // The base's behaviour too: in Keyspaces mode no conditional batches, range deletes or
    // serial reads, as the session the handler would have had.
    super(base.client, base.keyspace, {
      conditionalBatches: base.conditionalBatches,
      rangeDeletes: base.rangeDeletes,
      serialReads: base.serialReads,
    });
    this.#tablePrefix = tablePrefix;
  }

  override execute(
    cql: string,
    params: cassandra.ArrayOrObject = [],
    options: ExecuteOptions = {},
  ): Promise<cassandra.types.ResultSet> {
    this.#count(this.#kindOf(cql));
    return super.execute(cql, params, options);
  }

  override batch(
    statements: readonly BatchStatement[],
    options: { idempotent?: boolean } = {},
  ): Promise<cassandra.types.ResultSet> {
    this.#count(`BATCH ${this.#kindOf(statements[0]?.query ?? '')}`);
    return super.batch(statements, options);
  }

  #kindOf(cql: string): string {
    let kind = this.#kinds.get(cql);
    if (kind === undefined) {
      kind = statementKind(cql, this.#tablePrefix);
      this.#kinds.set(cql, kind);
    }
    return kind;
  }

  #count(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  total(filter: (kind: string) => boolean = () => true): number {
    let n = 0;
    for (const [kind, count] of this.counts) if (filter(kind)) n += count;
    return n;
  }
}

/** Calls to one port method: how many, their summed latency, when the first and last started. */
export type MethodCalls = { count: number; totalMs: number; firstAt: number; lastAt: number };

/**
 * Wraps every method of every port to time it, so a run can say where its time went. The
 * methods are called on the original objects (their private fields need the real `this`).
 */
export function timePorts(ports: EnginePorts, calls: Map<string, MethodCalls>): EnginePorts {
  const wrap = <T extends object>(portName: string, port: T): T => {
    // Plain fields (what the store can do) pass through; methods are timed.
    const wrapped: Record<string, unknown> = { ...(port as Record<string, unknown>) };
    for (const method of Object.getOwnPropertyNames(Object.getPrototypeOf(port))) {
      const fn = (port as Record<string, unknown>)[method];
      if (method === 'constructor' || typeof fn !== 'function') continue;
      const name = `${portName}.${method}`;
      const enter = () => {
        const start = performance.now();
        const entry = calls.get(name) ?? { count: 0, totalMs: 0, firstAt: start, lastAt: start };
        entry.lastAt = start;
        calls.set(name, entry);
        return { start, entry };
      };
      const leave = ({ start, entry }: ReturnType<typeof enter>) => {
        entry.count++;
        entry.totalMs += performance.now() - start;
      };
      // Paged reads are async generators: timed from the first call to the last page.
      wrapped[method] =
        fn.constructor.name === 'AsyncGeneratorFunction'
          ? async function* (...args: unknown[]) {
              const call = enter();
              try {
                yield* fn.apply(port, args) as AsyncGenerator<unknown>;
              } finally {
                leave(call);
              }
            }
          : async (...args: unknown[]) => {
              const call = enter();
              try {
                return await fn.apply(port, args);
              } finally {
                leave(call);
              }
            };
    }
    return wrapped as T;
  };
  return {
    rows: wrap('rows', ports.rows),
    index: wrap('index', ports.index),
    watermarks: wrap('watermarks', ports.watermarks),
    sideOutputs: wrap('sideOutputs', ports.sideOutputs),
    ...(ports.rowCache ? { rowCache: ports.rowCache } : {}),
  };
}
