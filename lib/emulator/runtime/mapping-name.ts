import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/**
 * The positions' owner: the function and the stream's creation time, so positions saved for an
 * earlier stream of the same name (the local Kinesis keeps streams in memory only) are not used on
 * a new one, whose sequence numbers start over.
 */
export async function mappingName(
  kinesis: KinesisClient,
  fn: string,
  stream: string,
): Promise<string> {
  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
  const created = summary.StreamDescriptionSummary?.StreamCreationTimestamp?.getTime() ?? 0;
  return `cassflow-local:${fn}:${created}`;
}
