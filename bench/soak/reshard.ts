import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import { listShards } from '#lib/kinesis/streams';

/**
 * Reshards the stream every `everyMs`, between `shards` and twice as many (uniform scaling), as
 * an operator scaling for load would, so that parents, children and temporary shards come and
 * go all through the soak.
 */
export function startResharding(options: {
  kinesis: KinesisClient;
  stream: string;
  shards: number;
  everyMs: number;
  log: (line: string) => void;
}) {
  let reshards = 0;
  let wide = false;
  let running: Promise<void> = Promise.resolve();
  const reshard = async () => {
    wide = !wide;
    const target = wide ? options.shards * 2 : options.shards;
    await options.kinesis.send(
      new UpdateShardCountCommand({
        StreamName: options.stream,
        TargetShardCount: target,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    for (let tries = 0; tries < 60; tries++) {
      const summary = await options.kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: options.stream }),
      );
      if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    reshards++;
    options.log(`resharded to ${target} shards`);
  };
  const timer = setInterval(() => {
    running = running.then(reshard).catch((error: unknown) => {
      options.log(`resharding failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, options.everyMs);
  return {
    get reshards() {
      return reshards;
    },
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** Shards that ended by resharding: each leaves one row tombstone when the tick retires it. */
export async function endedShards(kinesis: KinesisClient, stream: string): Promise<string[]> {
  const shards = await listShards(kinesis, stream);
  return shards
    .filter((s) => s.SequenceNumberRange?.EndingSequenceNumber !== undefined)
    .map((s) => s.ShardId ?? '');
}
