import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { EventSourceMapping, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IDependable } from 'constructs';
import { CASSFLOW_EVENT_SOURCE, checkParallelization } from '#lib/lambda/event-source-defaults';
import type { AnyPipeline } from '#lib/pipeline/any-pipeline';
import { streamTableAccess } from '#lib/store/pipeline-tables';
import { acceptFinding } from '../nag.ts';
import { cassflowFunction } from './cassflow-function.ts';
import type { StateStore } from './state-store.ts';

export type EventSourceOverrides = {
  batchSize?: number;
  maxBatchingWindow?: Duration;
  retryAttempts?: number;
  maxRecordAge?: Duration;
  /** Checked at synth time against the pipeline's kind (checkParallelization). */
  parallelizationFactor?: number;
};

export type StreamFunctionProps = {
  pipeline: AnyPipeline;
  /** The aggregate or sink entry of writeHandlerEntries. */
  entry: string;
  stream: IStream;
  store: StateStore;
  defaultKeyspace: string;
  /** The schema step: the event source starts only once the tables take writes. */
  schemaReady: IDependable;
  eventSource?: EventSourceOverrides;
  memorySize?: number;
};

const ES = CASSFLOW_EVENT_SOURCE;

/**
 * The Lambda that reads a pipeline's stream (aggregation or sink), with the event-source mapping
 * cassflow's handlers are written for: TRIM_HORIZON, large batches, partial batch responses,
 * bisect on error, bounded retries and record age, and batches that still fail described in an
 * encrypted SQS queue (Lambda sends the batch's shard and sequence range, not the records, which
 * stay readable in the stream for its retention).
 */
export class StreamFunction extends Construct {
  readonly function: IFunction;
  readonly failures: Queue;
  /** An aggregation's tick schedule. */
  readonly tick?: Rule;

  constructor(scope: Construct, id: string, props: StreamFunctionProps) {
    super(scope, id);
    const { pipeline } = props;
    const factor = props.eventSource?.parallelizationFactor ?? ES.parallelizationFactor;
    checkParallelization(pipeline, factor);

    const fn = cassflowFunction(this, 'Function', {
      entry: props.entry,
      description: `cassflow ${pipeline.kind} ${pipeline.name}: stream ${pipeline.stream}`,
      store: props.store,
      environment: { CASSFLOW_PIPELINE: pipeline.name },
      timeout: Duration.seconds(ES.timeoutSeconds),
      ...(props.memorySize ? { memorySize: props.memorySize } : {}),
    });
    const keyspace = pipeline.keyspace ?? props.defaultKeyspace;
    // Reads and writes only where it reads; where it only inserts (the closed index, late
    // events, dead letters), writes only.
    const access = streamTableAccess(pipeline);
    props.store.grantTables(fn, keyspace, access.readWrite, 'readWrite');
    props.store.grantTables(fn, keyspace, access.write, 'write');

    this.failures = new Queue(this, 'Failures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acceptFinding(
      this.failures,
      'SQS3',
      'it is itself the failure destination of the event-source mapping; its messages are read ' +
        'by people (with the FailedBatches alarm), and a queue behind it would add nothing',
    );
    const source = new KinesisEventSource(props.stream, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: props.eventSource?.batchSize ?? ES.batchSize,
      maxBatchingWindow:
        props.eventSource?.maxBatchingWindow ?? Duration.seconds(ES.maxBatchingWindowSeconds),
      bisectBatchOnError: ES.bisectBatchOnError,
      retryAttempts: props.eventSource?.retryAttempts ?? ES.retryAttempts,
      maxRecordAge: props.eventSource?.maxRecordAge ?? Duration.seconds(ES.maxRecordAgeSeconds),
      parallelizationFactor: factor,
      reportBatchItemFailures: ES.reportBatchItemFailures,
      onFailure: new SqsDlq(this.failures),
    });
    // Also grants stream read (with ListShards, which the aggregation's watermark needs).
    fn.addEventSource(source);
    for (const child of fn.node.children) {
      if (child instanceof EventSourceMapping) child.node.addDependency(props.schemaReady);
    }
    if (pipeline.kind === 'aggregation') {
      // The tick: closes due windows when no records arrive, and tells idle shards from failing
      // ones (it reads the stream with the permissions the event source granted).
      this.tick = new Rule(this, 'Tick', {
        description: `cassflow ${pipeline.name}: close due windows, find idle shards`,
        schedule: Schedule.expression(pipeline.tick),
        // A tick that fails is not retried: the next one does the same work.
        targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
      });
      this.tick.node.addDependency(props.schemaReady);
    }
    this.function = fn;
  }
}
