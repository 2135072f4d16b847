import { setTimeout as sleep } from 'node:timers/promises';

/** A table's status as Keyspaces reports it (GetTable): ACTIVE, CREATING, UPDATING, ... */
export type TableStatusReader = (keyspace: string, table: string) => Promise<string | undefined>;

export type WaitOptions = {
  /** How long is left to wait (a Lambda's remaining time less a margin). */
  remainingMs: () => number;
  pollMs?: number;
  report?: (line: string) => void;
};

/**
 * Waits until every table is ACTIVE: Keyspaces creates tables asynchronously, and CloudFormation
 * may report a table created before it takes writes. Throws naming the tables still not ACTIVE
 * (and their status) when the time runs out.
 */
export async function waitForTablesActive(
  keyspace: string,
  tables: readonly string[],
  readStatus: TableStatusReader,
  options: WaitOptions,
): Promise<void> {
  let pending = [...tables];
  const statuses = new Map<string, string>();
  for (;;) {
    const read = await Promise.all(pending.map((t) => readStatus(keyspace, t)));
    pending = pending.filter((table, i) => {
      statuses.set(table, read[i] ?? 'MISSING');
      return read[i] !== 'ACTIVE';
    });
    if (pending.length === 0) return;
    options.report?.(`${keyspace}: waiting for ${pending.length} of ${tables.length} tables`);
    const pollMs = options.pollMs ?? 2000;
    if (options.remainingMs() < pollMs) {
      const list = pending.map((t) => `${t} (${statuses.get(t)})`).join(', ');
      throw new Error(`${keyspace}: tables not ACTIVE in time: ${list}`);
    }
    await sleep(pollMs);
  }
}
