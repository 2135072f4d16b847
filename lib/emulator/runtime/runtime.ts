import { join } from 'node:path';
import type { CassflowConfig } from '../../config/config.ts';
import { createKinesisClient } from '../../kinesis/client.ts';
import { ensureStream } from '../../kinesis/streams.ts';
import { CASSFLOW_EVENT_SOURCE, checkParallelization } from '../../lambda/event-source-defaults.ts';
import type { AnyPipeline } from '../../pipeline/any-pipeline.ts';
import type { ScheduledJob } from '../../pipeline/define-scheduled-function.ts';
import { createCassandraClient } from '../../store/client.ts';
import { tablesOf } from '../../store/pipeline-tables.ts';
import { applySchema } from '../../store/schema/apply.ts';
import { schemaConnection } from '../../store/schema/connection.ts';
import { CORE_TABLES } from '../../store/schema/core-tables.ts';
import { CassandraSession, pipelineCassandra, sessionOptions } from '../../store/session.ts';
import { type RunningEventSource, startEventSource } from '../event-source/event-source.ts';
import type { InvocableFunction } from '../event-source/invoke.ts';
import { IsolatedFunction } from '../event-source/isolated-function.ts';
import { FailureLog } from '../event-source/on-failure.ts';
import { CassandraPositions } from '../event-source/positions.ts';
import type { EventSourceSettingsInput } from '../event-source/settings.ts';
import { guardedClient, type LocalFaults } from '../guarded-client.ts';
import type { EmfLine } from '../metrics/emf-points.ts';
import { recordInvocation, recordRead } from '../metrics/lambda-metrics.ts';
import { MetricsBoard } from '../metrics/metrics-board.ts';
import { type RunningScheduler, startScheduler } from '../scheduler/scheduler.ts';
import { isolatedPipeline } from './isolated-pipeline.ts';
import { mappingName } from './mapping-name.ts';
import { type FunctionFigures, pipelineFunction } from './pipeline-function.ts';
import { syncSchedules } from './sync-schedules.ts';

export type RuntimeOptions = {
  config: CassflowConfig;
  pipelines: readonly AnyPipeline[];
  log: (line: string) => void;
  /** Overrides of cassflow's event-source defaults, for every pipeline. */
  eventSource?: EventSourceSettingsInput;
  /** Shards of a stream the runtime has to create (default 2). */
  shards?: number;
  /** Powertools log level of the handlers (default WARN). */
  logLevel?: string;
  /** Functions to run on their schedules (EventBridge rules on AWS), besides the pipelines' sync jobs. */
  scheduled?: readonly ScheduledJob[];
  /** Faults to inject, for tests (guarded-client.ts). */
  faults?: LocalFaults;
  /**
   * The module the pipelines come from: given, each pipeline's batches run in execution
   * environments of their own (worker threads), and a timed-out invocation is stopped for good,
   * as on Lambda. Without it they run in this process (isolated-pipeline.ts says what differs).
   */
  isolateFrom?: string;
};

/** One pipeline as the runtime runs it: its stream, its mapping and what its function did. */
export type RunningPipeline = {
  pipeline: AnyPipeline;
  stream: string;
  source: RunningEventSource;
  figures: FunctionFigures;
  failureLog: string;
  /** Per shard (by shard id): what the event source measured of it, as rolling series. */
  shardMetrics: MetricsBoard;
  /** The execution environments its batches run in, with `isolateFrom`. */
  isolated?: IsolatedFunction;
};

export type Runtime = {
  pipelines: readonly RunningPipeline[];
  /** What the functions emitted (the EMF lines Lambda would print), as rolling series. */
  metrics: MetricsBoard;
  stop(): Promise<void>;
  /** Settles when every mapping stopped; rejects with the first failure. */
  done: Promise<void>;
};

/**
 * Runs pipelines on this machine as Lambda would: creates each one's stream (if missing) and
 * tables, then feeds the stream to the pipeline's own handler through the event-source
 * emulator, with positions in Cassandra so a restart resumes.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, log } = options;
  const settings = { ...CASSFLOW_EVENT_SOURCE, ...options.eventSource };
  for (const pipeline of options.pipelines) {
    checkParallelization(pipeline, settings.parallelizationFactor ?? 1);
  }
  const kinesis = createKinesisClient(config.kinesis);
  const clients: { shutdown(): Promise<void> }[] = [];
  const environments: { close(): Promise<void> }[] = [];
  const running: RunningPipeline[] = [];
  const metrics = new MetricsBoard();
  const onMetrics = (line: EmfLine) => metrics.record(line);
  const scheduled = [
    ...(options.scheduled ?? []),
    ...syncSchedules(config, options.pipelines, options.logLevel ?? 'WARN', onMetrics),
  ];
  let scheduler: RunningScheduler | undefined;
  const stopAll = async () => {
    await Promise.allSettled([scheduler?.stop(), ...running.map((p) => p.source.stop())]);
    await Promise.allSettled(environments.map((e) => e.close()));
    await Promise.allSettled(clients.map((c) => c.shutdown()));
    kinesis.destroy();
  };
  try {
    for (const pipeline of options.pipelines) {
      const cassandra = pipelineCassandra(config.cassandra, pipeline);
      const client = createCassandraClient(cassandra);
      clients.push(client);
      const schema = await applySchema(schemaConnection(client), cassandra, [
        ...CORE_TABLES,
        ...tablesOf(pipeline),
      ]);
      const stream = pipeline.stream;
      const created = await ensureStream(kinesis, stream, options.shards ?? 2);
      log(
        `${pipeline.name}: ${pipeline.kind} on stream ${stream} (${created}); tables in ` +
          `${cassandra.keyspace}: ${schema.created.length} created, ${schema.existing.length} there`,
      );
      // The handler's requests stop when its invocation is stopped at its timeout, as on Lambda.
      const session = new CassandraSession(
        guardedClient(client, options.faults),
        cassandra.keyspace,
        sessionOptions(cassandra),
      );
      const figures: FunctionFigures = { records: 0, deadLettered: 0, filtered: 0, late: 0 };
      const onBatch = (f: FunctionFigures) => {
        figures.records += f.records;
        figures.deadLettered += f.deadLettered;
        figures.filtered += f.filtered;
        figures.late += f.late;
      };
      const logLevel = options.logLevel ?? 'WARN';
      const { batch, tick } = pipelineFunction(pipeline, session, config.kinesis, {
        logLevel,
        onBatch,
        onMetrics,
      });
      let fn: InvocableFunction = batch;
      if (options.isolateFrom) {
        const isolated = isolatedPipeline(
          {
            file: options.isolateFrom,
            name: pipeline.name,
            config,
            logLevel,
            faults: options.faults,
          },
          onBatch,
          onMetrics,
        );
        environments.push(isolated);
        fn = isolated.fn;
      }
      const shardMetrics = new MetricsBoard();
      const failureLog = join(config.local.cacheDir, 'runtime', `${pipeline.name}.failures.jsonl`);
      const source = await startEventSource({
        kinesis,
        streamName: stream,
        functionName: pipeline.name,
        fn,
        positions: new CassandraPositions(
          session,
          await mappingName(kinesis, pipeline.name, stream),
          stream,
        ),
        onFailure: new FailureLog(failureLog),
        settings,
        log: (line) => log(`${pipeline.name}: ${line}`),
        onInvoked: (report) => {
          recordInvocation(metrics, pipeline.name, report);
          recordInvocation(shardMetrics, report.shardId, report);
        },
        onRead: (shardId, records) => {
          recordRead(metrics, pipeline.name, records);
          recordRead(shardMetrics, shardId, records);
        },
      });
      running.push({
        pipeline,
        stream,
        source,
        figures,
        failureLog,
        shardMetrics,
        ...(fn instanceof IsolatedFunction ? { isolated: fn } : {}),
      });
      if (tick && pipeline.kind === 'aggregation') {
        scheduled.push({ name: `${pipeline.name}-tick`, schedule: pipeline.tick, handler: tick });
      }
    }
    // Started last: the ticks need their pipelines' tables and functions.
    scheduler = startScheduler(scheduled, { log, region: config.kinesis.region });
  } catch (error) {
    await stopAll();
    throw error;
  }
  const done = Promise.all(running.map((p) => p.source.done)).then(() => undefined);
  done.catch(() => undefined);
  return { pipelines: running, metrics, stop: stopAll, done };
}
