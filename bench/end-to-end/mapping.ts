import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { type RunningEventSource, startEventSource } from '#lib/emulator/event-source/event-source';
import type { KinesisFunction } from '#lib/emulator/event-source/invoke';
import { CassandraPositions } from '#lib/emulator/event-source/positions';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import { CASSFLOW_EVENT_SOURCE } from '#lib/lambda/event-source-defaults';
import type { CassandraSession } from '#lib/store/session';

/**
 * The stream deleted and made again with `shards` empty shards: each phase starts from sequence
 * numbers nobody has fenced rows with, and with nothing left to read from the last phase.
 */
export async function freshStream(
  kinesis: KinesisClient,
  stream: string,
  shards: number,
): Promise<void> {
  await deleteStream(kinesis, stream);
  await ensureStream(kinesis, stream, shards);
}

export type MappingOptions = {
  kinesis: KinesisClient;
  session: CassandraSession;
  stream: string;
  functionName: string;
  fn: KinesisFunction;
  log: (line: string) => void;
};

/**
 * The in-process event-source mapping as the local runtime wires it: cassflow's event-source
 * defaults, positions in Cassandra's shard_checkpoints under a mapping name that includes the
 * stream's creation time (a recreated stream's sequence numbers start over).
 */
export async function startMapping(options: MappingOptions): Promise<RunningEventSource> {
  const { kinesis, stream } = options;
  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
  const created = summary.StreamDescriptionSummary?.StreamCreationTimestamp?.getTime() ?? 0;
  return startEventSource({
    kinesis,
    streamName: stream,
    functionName: options.functionName,
    fn: options.fn,
    positions: new CassandraPositions(
      options.session,
      `cassflow-bench:${options.functionName}:${created}`,
      stream,
    ),
    settings: CASSFLOW_EVENT_SOURCE,
    log: options.log,
  });
}
