import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct, type IDependable } from 'constructs';
import { SCHEMA_MANAGED } from '#lib/lambda/sync-function';
import type { AnyPipeline } from '#lib/pipeline/any-pipeline';
import type { SyncJobSpec } from '#lib/pipeline/sync-entry';
import { SYNC_REJECTS, SYNC_TABLES } from '#lib/sync/sync-tables';
import { cassflowFunction } from './cassflow-function.ts';
import { cassflowMetric } from './pipeline-metrics.ts';
import type { StateStore } from './state-store.ts';
import { SyncTarget } from './sync-target.ts';

export type SyncJobProps = {
  job: SyncJobSpec;
  pipeline: AnyPipeline;
  /** The sync entry of writeHandlerEntries. */
  entry: string;
  store: StateStore;
  defaultKeyspace: string;
  schemaReady: IDependable;
  postgresSecretArn?: string;
  /**
   * Lambda concurrency reserved for the job's function. None by default: runs take the job's
   * lease (sync_leases), so they never overlap anyway, and accounts with the default quota of 10
   * cannot reserve any. 1 also keeps a second run from even starting.
   */
  reservedConcurrency?: number;
};

/**
 * One sync job: its target, a function that reads the pipeline's results page by page for up to
 * 15 minutes and saves its place, and the EventBridge rule that runs it on the job's schedule.
 * Runs of a job share its checkpoints, so two must never overlap: each run takes the job's lease
 * first (and reserved concurrency, if asked for, keeps a second from starting).
 */
export class SyncJob extends Construct {
  readonly function: IFunction;
  readonly rule: Rule;
  readonly target: SyncTarget;
  /** Fires when a run fails (the next run resumes, but repeated failures need a look). */
  readonly errors: Alarm;
  /** Fires when a run put rows in sync_rejects: the target could not take them. */
  readonly rejects: Alarm;

  constructor(scope: Construct, id: string, props: SyncJobProps) {
    super(scope, id);
    const { job, pipeline } = props;
    this.target = new SyncTarget(this, 'Target', {
      target: job.target,
      ...(props.postgresSecretArn ? { postgresSecretArn: props.postgresSecretArn } : {}),
    });
    const fn = cassflowFunction(this, 'Function', {
      entry: props.entry,
      description: `cassflow sync ${job.name}: ${pipeline.name} to ${job.target.kind}`,
      store: props.store,
      environment: {
        CASSFLOW_SYNC_JOB: job.name,
        [SCHEMA_MANAGED]: 'true',
        ...this.target.environment,
      },
      timeout: Duration.minutes(15),
      ...(props.reservedConcurrency
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
    });
    const keyspace = pipeline.keyspace ?? props.defaultKeyspace;
    props.store.grantTables(fn, keyspace, sourceTables(pipeline, job), 'read');
    props.store.grantTables(
      fn,
      keyspace,
      SYNC_TABLES.filter((t) => t !== SYNC_REJECTS).map((t) => t.name),
      'readWrite',
    );
    // Runs only insert rejects; reading them (`cassflow sync --rejects`) is for people.
    props.store.grantTables(fn, keyspace, [SYNC_REJECTS.name], 'write');
    this.target.grantWrite(fn);

    this.rule = new Rule(this, 'Schedule', {
      description: `cassflow sync ${job.name}`,
      schedule: Schedule.expression(job.schedule),
      // A run that fails is not retried: the next scheduled run resumes from the checkpoints.
      targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
    });
    this.rule.node.addDependency(props.schemaReady);
    this.function = fn;
    const alarmOver0 = (id: string, description: string, metric: IMetric) =>
      new Alarm(this, id, {
        alarmDescription: `cassflow sync ${job.name}: ${description}`,
        metric,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    this.errors = alarmOver0(
      'Errors',
      'a run failed',
      fn.metricErrors({ period: Duration.minutes(5) }),
    );
    this.rejects = alarmOver0(
      'Rejects',
      `rows the target could not take (cassflow sync --job ${job.name} --rejects)`,
      cassflowMetric(job.name, 'RowsRejected'),
    );
  }
}

/**
 * The tables a job reads: a sink's table; an aggregation's windows, and in closed-windows mode
 * also their close index and the watermarks (the closer's cursor says how far closing got).
 */
function sourceTables(pipeline: AnyPipeline, job: SyncJobSpec): string[] {
  if (pipeline.kind === 'sink') return [pipeline.table];
  if (job.mode === 'full') return [pipeline.tables.windows];
  return [pipeline.tables.windows, pipeline.tables.closedWindows, pipeline.tables.watermarks];
}
