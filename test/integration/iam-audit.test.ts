import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { createAggregateHandler } from '#lib/lambda/aggregate-handler';
import { schemaFunction } from '#lib/lambda/schema-function';
import { createSinkHandler } from '#lib/lambda/sink-handler';
import type { SinkPipeline } from '#lib/pipeline/sink-spec';
import type { Pipeline } from '#lib/pipeline/spec';
import { createCassandraClient } from '#lib/store/client';
import { statementShape } from '#lib/store/keyspaces-mode/statement';
import { pipelineTables } from '#lib/store/pipeline-tables';
import { applySchema } from '#lib/store/schema/apply';
import { schemaConnection } from '#lib/store/schema/connection';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { CassandraSession, type CqlClient, sessionOptions } from '#lib/store/session';
import { sinkTableSpec } from '#lib/store/sink-table';
import { runSyncJob } from '#lib/sync/run-sync-job';
import { SYNC_TABLES } from '#lib/sync/sync-tables';
import type { SyncTarget } from '#lib/sync/target';
import { deploy, EXAMPLES, resourcesFor, statementsOf } from '../cdk/deployment.ts';
import { cloudFormationEvent } from '../helpers/cloudformation-event.ts';
import { integrationConfig } from '../helpers/integration-config.ts';
import { jsonRecord, kinesisEvent, sequenceNumber } from '../helpers/kinesis-events.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';

/** What one function did to each table: read it, wrote it (a conditional write also reads). */
type Touched = { read: Set<string>; write: Set<string> };

const base = integrationConfig();
// A keyspace of its own: the example pipelines' tables, touched by nothing else.
const config = {
  ...base,
  cassandra: { ...base.cassandra, keyspace: `${base.cassandra.keyspace}_iam` },
};
const client = createCassandraClient(config.cassandra);
afterAll(() => client.shutdown());

/** A session whose every statement is recorded against the function kind that sent it. */
function recordingSession(touched: Touched): CassandraSession {
  const record = (cql: string) => {
    const shape = statementShape(cql);
    // The system keyspaces every driver reads are granted apart (`/keyspace/system*`).
    if (!shape.table || shape.kind === 'other' || shape.table.startsWith('system')) return;
    const table = (shape.table.split('.').pop() as string).replaceAll('"', '');
    if (shape.kind === 'select' || shape.conditional) touched.read.add(table);
    if (shape.kind !== 'select') touched.write.add(table);
  };
  const recording = {
    execute: (cql: string, ...rest: unknown[]) => {
      record(cql);
      return (client.execute as (...args: unknown[]) => unknown)(cql, ...rest);
    },
    batch: (queries: { query: string }[], ...rest: unknown[]) => {
      for (const q of queries) record(q.query);
      return (client.batch as (...args: unknown[]) => unknown)(queries, ...rest);
    },
    shutdown: async () => {},
  } as unknown as CqlClient;
  return new CassandraSession(
    recording,
    config.cassandra.keyspace,
    sessionOptions(config.cassandra),
  );
}

const observe = { logLevel: 'ERROR' } as const;

const untouched = (): Touched => ({ read: new Set(), write: new Set() });

/** A stream handler's ports over a recording session, and what the handler touches. */
function recordedHandlerPorts(serviceName: string) {
  const touched = untouched();
  const session = recordingSession(touched);
  return {
    touched,
    ports: {
      session: () => session,
      logger: new Logger(observe),
      metrics: new Metrics({ namespace: 'cassflow-test', serviceName }),
    },
  };
}
const T0 = Math.floor((Date.now() - 7_200_000) / 60_000) * 60_000;
const views = EXAMPLES.find((p) => p.name === 'page_views') as Pipeline;
const log = EXAMPLES.find((p) => p.name === 'page_view_log') as SinkPipeline;
/** A target that cannot take any row: every run that reads rows records rejects. */
const memoryTarget: SyncTarget = {
  describe: 'memory',
  prepare: async () => {},
  reject: () => 'the audit target takes no rows',
  write: async (page) => page.rows.length,
  close: async () => {},
};
const budget = { remainingMs: () => 600_000, marginMs: 1 };

/** The tables a deployed function may read and write, by its logical id's prefix. */
function granted(prefix: string) {
  const { template } = deploy({ keyspace: 'analytics' });
  const statements = statementsOf(template, prefix);
  const tables = (action: string) =>
    resourcesFor(statements, action)
      .filter((r) => r.includes('/table/'))
      .map((r) => r.replace(/^.*\/table\//, ''))
      .sort();
  return { read: tables('cassandra:Select'), write: tables('cassandra:Modify') };
}

const sorted = (touched: Touched) => ({
  read: [...touched.read].sort(),
  write: [...touched.write].sort(),
});

describe('IAM grants against what each function touches', () => {
  it('the aggregation: a batch with a bad record, windows closed, then a late event', async () => {
    await applySchema(schemaConnection(client), config.cassandra, [
      ...CORE_TABLES,
      ...pipelineTables(views),
    ]);
    const { touched, ports } = recordedHandlerPorts(views.name);
    const handler = createAggregateHandler(views, ports);
    const shard = 'shardId-000000000007';
    const event = (i: number, ts: number) =>
      jsonRecord(shard, sequenceNumber(7, i), { page: '/a', user: `u${i}`, ts, ms: 10 });
    const batch = [
      ...Array.from({ length: 40 }, (_, i) => event(i, T0 + i * 15_000)),
      jsonRecord(shard, sequenceNumber(7, 40), 'not json'),
    ];
    await handler(kinesisEvent(batch), lambdaContext());
    await handler(kinesisEvent([event(41, T0)]), lambdaContext());

    expect(touched.write).toContain(views.tables.lateEvents);
    expect(touched.write).toContain('dead_letters_by_hour');
    expect(touched.write).toContain(views.tables.closedWindows);
    expect(sorted(touched)).toEqual(granted('Pipelinepageviews'));
  });

  it('the sink: rows and a dead letter', async () => {
    await applySchema(schemaConnection(client), config.cassandra, [
      ...CORE_TABLES,
      sinkTableSpec(log),
    ]);
    const { touched, ports } = recordedHandlerPorts(log.name);
    const handler = createSinkHandler(log, ports);
    const shard = 'shardId-000000000008';
    await handler(
      kinesisEvent([
        jsonRecord(shard, sequenceNumber(8, 0), { page: '/a', user: 'u', ts: T0, ms: 1 }),
        jsonRecord(shard, sequenceNumber(8, 1), { page: '/a' }),
      ]),
      lambdaContext(),
    );
    expect(sorted(touched)).toEqual(granted('Pipelinepageviewlog'));
  });

  it('the sync jobs: closed windows of the aggregation, and the whole sink table, with rejects', async () => {
    await applySchema(schemaConnection(client), config.cassandra, SYNC_TABLES);
    const closed = untouched();
    const full = untouched();
    const [viewsJob] = views.sync;
    const [logJob] = log.sync;
    if (!viewsJob || !logJob) throw new Error('the examples define their sync jobs');
    const ctx = (touched: Touched) => ({
      session: recordingSession(touched),
      target: memoryTarget,
      budget,
    });
    // A first run stops after a page (out of time), the next resumes its pass from the
    // checkpoints and finishes it, a third starts a new pass.
    const runs = async (job: typeof viewsJob, pipeline: Pipeline | SinkPipeline, t: Touched) => {
      let pages = 0;
      await runSyncJob(job, pipeline, {
        ...ctx(t),
        budget: { remainingMs: () => (pages < 1 ? 600_000 : 0), marginMs: 1 },
        onProgress: () => {
          pages += 1;
        },
      });
      const resumed = await runSyncJob(job, pipeline, ctx(t));
      const fresh = await runSyncJob(job, pipeline, ctx(t));
      return { resumed, fresh };
    };
    const closedRuns = await runs(viewsJob, views, closed);
    const fullRuns = await runs(logJob, log, full);

    expect([closedRuns.resumed.resumed, fullRuns.resumed.resumed]).toEqual([true, true]);
    expect(fullRuns.fresh.rowsRead).toBeGreaterThan(0);
    expect(fullRuns.fresh.rowsRejected).toBe(fullRuns.fresh.rowsRead);
    expect([closed.write.has('sync_rejects'), full.write.has('sync_rejects')]).toEqual([
      true,
      true,
    ]);
    expect(sorted(closed)).toEqual(granted('Syncpageviewstos3'));
    expect(sorted(full)).toEqual(granted('Syncpageviewlogtopostgres'));
  });

  it('the schema step on Keyspaces: GetTable (cassandra:Select) on every table it waits for', async () => {
    // It touches no rows: on Keyspaces it only asks the control plane for each table's status.
    const touched = untouched();
    const handler = schemaFunction(
      new Map(EXAMPLES.map((p) => [p.name, p])),
      { CASSFLOW_MODE: 'aws', AWS_REGION: 'eu-west-1', CASSANDRA_KEYSPACE: 'analytics' },
      {
        readStatus: async (_keyspace, table) => {
          touched.read.add(table);
          return 'ACTIVE';
        },
        send: async () => {},
        logger: { info: () => {} } as never,
      },
    );
    await handler(...cloudFormationEvent('Create', 600_000));
    expect(touched.read.size).toBeGreaterThan(0);
    expect(sorted(touched)).toEqual(granted('SchemaFunction'));
  });
});
