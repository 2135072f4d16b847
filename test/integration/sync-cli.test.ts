import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCassandraClient } from '#lib/store/client';
import { CassandraSession, sessionOptions } from '#lib/store/session';
import { createPostgresPool } from '#lib/sync/targets/clients';
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
function pipelineFile(
  name = 'orders',
  columns = "id: { from: 'id', type: 'int' }, total: { from: 'total', type: 'double' }",
): string {
  // Inside the package, so the file can import 'cassflow' as a user's project would.
  mkdirSync('.cache', { recursive: true });
  const file = join(mkdtempSync(join('.cache', 'sync-cli-')), `${name}.ts`);
  writeFileSync(
    file,
    `import { defineSink } from 'cassflow';
export default defineSink({
  name: '${name}_${suffix}', source: { stream: '${name}' }, table: '${name}_${suffix}',
  columns: { ${columns} },
  primaryKey: { partition: ['id'] },
  sync: [{ name: '${name}-${suffix}', target: { kind: 'postgres', table: '${name}_${suffix}' } }],
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

  it('says how many rows the target could not take, and --rejects lists them with their reasons', async () => {
    // Prepare: 20 notes, one with U+0000, which PostgreSQL text cannot store.
    const file = pipelineFile(
      'notes',
      "id: { from: 'id', type: 'int' }, note: { from: 'note', type: 'text' }",
    );
    const saved = process.env.CASSANDRA_KEYSPACE;
    process.env.CASSANDRA_KEYSPACE = config.cassandra.keyspace;
    try {
      expect(await main(['schema', 'apply', '--pipeline', file], collectOutput().out)).toBe(0);
      for (let id = 0; id < 20; id++) {
        await session.execute(
          `INSERT INTO ${session.table(`notes_${suffix}`)} (id, note) VALUES (?, ?)`,
          [id, id === 7 ? 'a\u0000b' : `note ${id}`],
        );
      }
      const job = ['sync', '--job', `notes-${suffix}`, '--file', file];
      const none = collectOutput();
      expect(await main([...job, '--rejects'], none.out)).toBe(0);

      // Act
      const run = collectOutput();
      expect(await main(job, run.out)).toBe(0);
      const listed = collectOutput();
      expect(await main([...job, '--rejects', '--since', '-1h'], listed.out)).toBe(0);

      // Assess
      expect(none.info.join('\n')).toMatch(`No rejects of notes-${suffix} since`);
      expect(run.info.join('\n')).toMatch(
        `20 rows read, 19 written, 1 rejected (the target cannot take them; list them with: cassflow sync --job notes-${suffix} --rejects)`,
      );
      const lines = listed.info.join('\n');
      expect(lines).toMatch(
        /\t\{"id":7\}\tcolumn note: text holds U\+0000 \(NUL\), which PostgreSQL text cannot store\t\{"id":7,"note":"a\\u0000b"\} \(26 B\)/,
      );
      expect(lines).toMatch(
        `1 reject(s) of notes-${suffix} from ${config.cassandra.keyspace}.sync_rejects`,
      );
    } finally {
      if (saved === undefined) delete process.env.CASSANDRA_KEYSPACE;
      else process.env.CASSANDRA_KEYSPACE = saved;
    }
  });
});
