import { inChunks } from './in-chunks.ts';
import { bigintKeyPart, groupByReplicas, routingKey, textKeyPart } from './replica-groups.ts';
import { BATCH_LIMIT, type CassandraSession } from './session.ts';
import { idParams, type windowRowCql } from './window-row-cql.ts';
import type { PartitionId, StoredWindowRow, WindowRowId } from './window-rows.ts';

type Cql = ReturnType<typeof windowRowCql>;
type ReadMany = (partition: PartitionId, starts: readonly number[]) => Promise<StoredWindowRow[]>;

const BATCHES_IN_FLIGHT = 16;
/** Rows per conditional batch when finalizing, and tries before giving up. */
const FINALIZE_ROWS = 20;
const FINALIZE_ATTEMPTS = 5;

function windowPartitionKey(id: PartitionId): Buffer {
  return routingKey([textKeyPart(id.key), textKeyPart(id.window), bigintKeyPart(id.bucket)]);
}

/** Plain `final = true` writes, grouped by replica set (Keyspaces: see WindowRowStore.finalize). */
export async function markFinal(
  session: CassandraSession,
  cql: Cql,
  ids: readonly WindowRowId[],
): Promise<void> {
  const now = new Date();
  const statement = (id: WindowRowId) => ({ query: cql.markFinal, params: [now, ...idParams(id)] });
  const groups = groupByReplicas(session, ids, windowPartitionKey, BATCH_LIMIT);
  await inChunks(BATCHES_IN_FLIGHT, groups, (group) =>
    group.length === 1 && group[0]
      ? session.execute(cql.markFinal, statement(group[0]).params, { idempotent: true })
      : session.batch(group.map(statement), { idempotent: true }),
  );
}

/**
 * One conditional batch per partition (at most FINALIZE_ROWS rows each): `IF final = false` for
 * every row, as if all exist and are open. When that loses (a row is missing, or final already
 * after a crash or another closer), the rows are read and the batch made to fit (Cassandra: see
 * WindowRowStore.finalize).
 */
export async function finalizeByPartition(
  session: CassandraSession,
  cql: Cql,
  readMany: ReadMany,
  ids: readonly WindowRowId[],
): Promise<void> {
  const byPartition = new Map<string, WindowRowId[]>();
  for (const id of ids) {
    const name = `${id.key}\u0000${id.window}\u0000${id.bucket}`;
    const list = byPartition.get(name);
    if (list) list.push(id);
    else byPartition.set(name, [id]);
  }
  const chunks = [...byPartition.values()].flatMap((list) => {
    const out: WindowRowId[][] = [];
    for (let i = 0; i < list.length; i += FINALIZE_ROWS) out.push(list.slice(i, i + FINALIZE_ROWS));
    return out;
  });
  await inChunks(BATCHES_IN_FLIGHT, chunks, (chunk) =>
    finalizePartition(session, cql, readMany, chunk),
  );
}

async function finalizePartition(
  session: CassandraSession,
  cql: Cql,
  readMany: ReadMany,
  ids: readonly WindowRowId[],
): Promise<void> {
  const [first] = ids;
  if (!first) return;
  const now = new Date();
  let open = ids.map((id) => ({ id, exists: true }));
  for (let attempt = 1; open.length > 0; attempt++) {
    const statements = open.map(({ id, exists }) =>
      exists
        ? { query: cql.finalize, params: [now, ...idParams(id)] }
        : { query: cql.finalizeUnwritten, params: [...idParams(id), now] },
    );
    const [one] = statements;
    const result =
      statements.length === 1 && one
        ? await session.execute(one.query, one.params)
        : await session.batch(statements);
    if (result.wasApplied()) return;
    if (attempt >= FINALIZE_ATTEMPTS) {
      throw new Error(`could not make ${open.length} window(s) of ${first.key} final`);
    }
    const rows = await readMany(
      first,
      open.map((o) => o.id.start),
    );
    const found = new Map(rows.map((r) => [r.start, r]));
    open = open
      .filter((o) => !found.get(o.id.start)?.final)
      .map((o) => ({ id: o.id, exists: found.has(o.id.start) }));
  }
}
