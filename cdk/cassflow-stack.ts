import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type IVpc, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { AnyPipeline } from '#lib/pipeline/any-pipeline';
import { deploymentSchema } from '#lib/pipeline-file/deployment-schema';
import { writeHandlerEntries } from './bundling/handler-entries.ts';
import { CassandraStore, type CassandraStoreProps } from './constructs/cassandra-store.ts';
import { KeyspacesStore } from './constructs/keyspaces-store.ts';
import { type AlarmThresholds, PipelineAlarms } from './constructs/pipeline-alarms.ts';
import { type DashboardPipeline, PipelineDashboard } from './constructs/pipeline-dashboard.ts';
import { PipelineStream, type PipelineStreamProps } from './constructs/pipeline-stream.ts';
import { SchemaReady } from './constructs/schema-ready.ts';
import type { StateStore } from './constructs/state-store.ts';
import { type EventSourceOverrides, StreamFunction } from './constructs/stream-function.ts';
import { SyncJob } from './constructs/sync-job.ts';

/**
 * Amazon Keyspaces (the default), or a self-managed Cassandra reached in a VPC: given, or looked
 * up by id (`cdk synth` then needs the account and region, and caches the answer in
 * cdk.context.json), with the functions in the subnets given by id or the VPC's private ones.
 */
export type StoreChoice =
  | { kind: 'keyspaces' }
  | ({ kind: 'cassandra'; vpc: IVpc | string; subnetIds?: readonly string[] } & Omit<
      CassandraStoreProps,
      'defaultKeyspace' | 'vpc' | 'vpcSubnets'
    >);

export type CassflowStackProps = StackProps & {
  /** The module that defines the pipelines: the functions are bundled from it. */
  pipelineFile: string;
  /** The pipelines that module defines (the app loads them with loadPipelineFile). */
  pipelines: readonly AnyPipeline[];
  store?: StoreChoice;
  /** The keyspace of pipelines that name none (default 'cassflow'). */
  keyspace?: string;
  /** Per source stream name: capacity, retention, encryption key (default on-demand, 24 h). */
  streams?: Readonly<Record<string, Omit<PipelineStreamProps, 'streamName'>>>;
  /** Per pipeline name: event-source settings other than cassflow's defaults. */
  eventSources?: Readonly<Record<string, EventSourceOverrides>>;
  thresholds?: AlarmThresholds;
  /** An SNS topic for the alarms. */
  alarmTopicArn?: string;
  /** The secret of the PostgreSQL that PostgreSQL sync targets write to. */
  postgresSecretArn?: string;
  /** Lambda concurrency to reserve for each sync job's function (default none: see SyncJob). */
  syncReservedConcurrency?: number;
};

/**
 * A complete cassflow deployment for a set of pipelines: their streams, the state store and its
 * schema step, one stream function per pipeline, one scheduled function per sync job with its
 * target, alarms and a dashboard. Everything comes from the pipeline definitions.
 */
export class CassflowStack extends Stack {
  readonly store: StateStore;
  readonly streams = new Map<string, IStream>();
  readonly functions = new Map<string, StreamFunction>();
  readonly syncJobs = new Map<string, SyncJob>();

  constructor(scope: Construct, id: string, props: CassflowStackProps) {
    super(scope, id, props);
    const keyspace = props.keyspace ?? 'cassflow';
    const entries = writeHandlerEntries(props.pipelineFile);
    const schema = deploymentSchema(props.pipelines, keyspace);
    const store = props.store ?? { kind: 'keyspaces' };
    this.store =
      store.kind === 'keyspaces'
        ? new KeyspacesStore(this, 'State', { defaultKeyspace: keyspace, schema })
        : this.#cassandraStore(store, keyspace);
    const schemaReady = new SchemaReady(this, 'Schema', {
      entry: entries.schema,
      store: this.store,
      schema,
    }).resource;
    const action = props.alarmTopicArn
      ? new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn))
      : undefined;

    const monitored: DashboardPipeline[] = [];
    for (const pipeline of props.pipelines) {
      const stream = this.#stream(pipeline.stream, props.streams?.[pipeline.stream]);
      const fn = new StreamFunction(this, `Pipeline-${pipeline.name}`, {
        pipeline,
        entry: pipeline.kind === 'aggregation' ? entries.aggregate : entries.sink,
        stream,
        store: this.store,
        defaultKeyspace: keyspace,
        schemaReady,
        ...(props.eventSources?.[pipeline.name]
          ? { eventSource: props.eventSources[pipeline.name] }
          : {}),
      });
      this.functions.set(pipeline.name, fn);
      const { alarms } = new PipelineAlarms(this, `Alarms-${pipeline.name}`, {
        pipeline,
        function: fn.function,
        failures: fn.failures,
        ...(props.thresholds ? { thresholds: props.thresholds } : {}),
        ...(action ? { action } : {}),
      });
      monitored.push({ pipeline, function: fn.function, alarms });
      new CfnOutput(this, `FailureQueue-${pipeline.name}`, { value: fn.failures.queueUrl });

      for (const job of pipeline.sync) {
        const sync = new SyncJob(this, `Sync-${job.name}`, {
          job,
          pipeline,
          entry: entries.sync,
          store: this.store,
          defaultKeyspace: keyspace,
          schemaReady,
          ...(props.postgresSecretArn ? { postgresSecretArn: props.postgresSecretArn } : {}),
          ...(props.syncReservedConcurrency
            ? { reservedConcurrency: props.syncReservedConcurrency }
            : {}),
        });
        if (action) for (const alarm of [sync.errors, sync.rejects]) alarm.addAlarmAction(action);
        this.syncJobs.set(job.name, sync);
      }
    }
    const dashboard = new PipelineDashboard(this, 'Monitoring', {
      dashboardName: `${id}-pipelines`,
      pipelines: monitored,
      syncJobs: [...this.syncJobs].map(([name, s]) => ({ name, function: s.function })),
    });
    new CfnOutput(this, 'Dashboard', { value: dashboard.dashboard.dashboardName });
  }

  #cassandraStore(store: Extract<StoreChoice, { kind: 'cassandra' }>, keyspace: string) {
    const { vpc, subnetIds, kind: _, ...rest } = store;
    return new CassandraStore(this, 'State', {
      ...rest,
      defaultKeyspace: keyspace,
      vpc: typeof vpc === 'string' ? Vpc.fromLookup(this, 'Vpc', { vpcId: vpc }) : vpc,
      ...(subnetIds
        ? { vpcSubnets: { subnets: subnetIds.map((id) => Subnet.fromSubnetId(this, id, id)) } }
        : {}),
    });
  }

  #stream(name: string, options: Omit<PipelineStreamProps, 'streamName'> = {}): IStream {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = new PipelineStream(this, `Stream-${name}`, { streamName: name, ...options }).stream;
      this.streams.set(name, stream);
      new CfnOutput(this, `StreamName-${name}`, { value: stream.streamName });
    }
    return stream;
  }
}
