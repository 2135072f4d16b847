import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Stream } from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { KeyspacesSchema } from './constructs/keyspaces-schema.ts';
import { PipelineStream } from './constructs/pipeline-stream.ts';

export type CassflowStackProps = StackProps & {
  keyspaceName?: string;
  streamName?: string;
  shardCount?: number;
};

/**
 * The foundation of a cassflow deployment: the source stream and the Keyspaces keyspace with
 * cassflow's core tables. Aggregation functions and sync jobs are added on top of it.
 */
export class CassflowStack extends Stack {
  readonly stream: Stream;
  readonly schema: KeyspacesSchema;

  constructor(scope: Construct, id: string, props: CassflowStackProps = {}) {
    super(scope, id, props);
    this.stream = new PipelineStream(this, 'Source', {
      streamName: props.streamName ?? 'cassflow-events',
      capacity: { shards: props.shardCount ?? 1 },
    }).stream;
    this.schema = new KeyspacesSchema(this, 'State', {
      keyspaceName: props.keyspaceName ?? 'cassflow',
      tables: CORE_TABLES,
    });
  }
}
