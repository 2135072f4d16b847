import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCassandraClient } from '#lib/store/client';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import { createPostgresPool } from '#lib/targets/clients';
import { main } from '../../cli/main.ts';
import { collectOutput } from '../helpers/collect-output.ts';
import { integrationConfig } from '../helpers/integration-config.ts';
import { postgresRows } from '../helpers/sync-target-contents.ts';

const config = integrationConfig();
const suffix = Date.now().toString(36);
const client = createCassandraClient(config.cassandra);
const session = new CassandraSession(
  client,
  config.cassandra.keyspace,
  sessionOptions(config.cassandra),
);
afterAll(() => client.shutdown());

/** A user's pipeline file: a sink with a sync entry to PostgreSQL. */
function pipelineFile(): string {
  // Inside the package, so the file can import 'cassflow' as a user's project would.
  mkdirSync('.cache', { recursive: true });
  const file = join(mkdtempSync(join('.cache', 'sync-cli-')), 'orders.ts');
  writeFileSync(
    file,
    `import { defineSink } from 'cassflow';
export default defineSink({
  name: 'orders_${suffix}', source: { stream: 'orders' }, table: 'orders_${suffix}',
  columns: { id: { from: 'id', type: 'int' }, total: { from: 'total', type: 'double' } },
  primaryKey: { partition: ['id'] },
  sync: [{ name: 'orders-${suffix}', target: { kind: 'postgres', table: 'orders_${suffix}' } }],
});\n`,
  );
  return file;
}

describe('cassflow sync', () => {
  it('runs a job of a pipeline file once, says what it did, and resumes after a time limit', async () => {
    // Prepare: the sink's table with 500 rows, in this run's keyspace.
    const file = pipelineFile();
    const saved = process.env.CASSANDRA_KEYSPACE;
    process.env.CASSANDRA_KEYSPACE = config.cassandra.keyspace;
    try {
      expect(await main(['schema', 'apply', '--pipeline', file], collectOutput().out)).toBe(0);
      for (let id = 0; id < 500; id++) {
        await session.execute(
          `INSERT INTO ${session.table(`orders_${suffix}`)} (id, total) VALUES (?, ?)`,
          [id, id / 4],
        );
      }
      const job = ['sync', '--job', `orders-${suffix}`, '--file', file];

      // Act: a run stopped by its time limit at once, then a run to the end.
      const stopped = collectOutput();
      expect(await main([...job, '--time-limit', '1ms'], stopped.out)).toBe(0);
      const done = collectOutput();
      expect(await main(job, done.out)).toBe(0);
      const unknown = collectOutput();
      const code = await main(['sync', '--job', 'nope', '--file', file], unknown.out);

      // Assess
      expect(stopped.info.join('\n')).toMatch(
        /0 rows read.*stopped at the time limit; the next run goes on/,
      );
      expect(done.info.join('\n')).toMatch(
        new RegExp(
          `Sync orders-${suffix} \\(full\\) .*→ postgres table public\\.orders_${suffix}: 500 rows read, 500 written, .*resumed a pass; pass finished`,
        ),
      );
      expect(code).toBe(2);
      expect(unknown.error.join('\n')).toMatch(/no sync job is named 'nope'/);
      const pool = createPostgresPool(config.postgres);
      const rows = await postgresRows(pool, `orders_${suffix}`);
      await pool.end();
      expect(rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([...Array(500).keys()]);
      expect(rows.every((r) => Number(r.total) === Number(r.id) / 4)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.CASSANDRA_KEYSPACE;
      else process.env.CASSANDRA_KEYSPACE = saved;
    }
  });
});
