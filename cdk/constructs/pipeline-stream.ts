import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export type PipelineStreamProps = {
  streamName: string;
  /** 'on-demand' (the default), or a fixed number of shards. */
  capacity?: 'on-demand' | { shards: number };
  /** How long records stay readable (default 24 hours, Kinesis' minimum; at most 365 days). */
  retention?: Duration;
  /** A customer-managed key; without one the stream is encrypted with the AWS-managed key. */
  encryptionKey?: IKey;
};

/**
 * A pipeline's source stream: always encrypted at rest (KMS), on-demand unless a shard count is
 * given, and kept when the stack is deleted (it may hold records not yet processed).
 */
export class PipelineStream extends Construct {
  readonly stream: Stream;

  constructor(scope: Construct, id: string, props: PipelineStreamProps) {
    super(scope, id);
    const capacity = props.capacity ?? 'on-demand';
    this.stream = new Stream(this, 'Stream', {
      streamName: props.streamName,
      ...(capacity === 'on-demand'
        ? { streamMode: StreamMode.ON_DEMAND }
        : { streamMode: StreamMode.PROVISIONED, shardCount: capacity.shards }),
      retentionPeriod: props.retention ?? Duration.hours(24),
      ...(props.encryptionKey
        ? { encryption: StreamEncryption.KMS, encryptionKey: props.encryptionKey }
        : { encryption: StreamEncryption.MANAGED }),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
