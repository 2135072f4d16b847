import type cassandra from 'cassandra-driver';

/** What one read cost Cassandra: the live rows and tombstone cells it read. */
export type ReadCost = { live: number; tombstones: number };

const READ_LINE = /Read (\d+) live rows? and (\d+) tombstone cells?/;

/**
 * Runs one query with tracing on and sums the "Read N live rows and M tombstone cells" events of
 * its trace (one per partition read). Cassandra writes traces asynchronously: the trace is read
 * until its session is complete (a few tries).
 */
export async function tracedRead(
  client: cassandra.Client,
  query: string,
  params: unknown[],
): Promise<ReadCost> {
  const result = await client.execute(query, params, { prepare: true, traceQuery: true });
  const traceId = result.info.traceId;
  if (!traceId) return { live: result.rows.length, tombstones: 0 };
  for (let attempt = 0; attempt < 10; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const trace = await client.metadata.getTrace(traceId).catch(() => undefined);
    if (!trace || trace.duration === null || trace.duration === undefined) continue;
    const cost: ReadCost = { live: 0, tombstones: 0 };
    for (const event of trace.events as { activity: string }[]) {
      const read = READ_LINE.exec(event.activity);
      if (!read) continue;
      cost.live += Number(read[1]);
      cost.tombstones += Number(read[2]);
    }
    return cost;
  }
  return { live: result.rows.length, tombstones: Number.NaN };
}
