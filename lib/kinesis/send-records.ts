import { InvalidRecordError } from './invalid-record.ts';
import type { KinesisSender, SendCounts } from './kinesis-sender.ts';
import { type RecordInput, toOutgoing } from './record-input.ts';

export type SendSummary = SendCounts & {
  /** Inputs skipped because they could not be sent (not JSON, no key, too large). */
  invalid: number;
};

export type SendRecordsOptions = {
  /** Dotted path of the partition key field; a random UUID per record when undefined. */
  keyField: string | undefined;
  onInvalid: (error: InvalidRecordError) => void;
};

/**
 * Feeds every input through `sender` and waits until all is sent. An invalid input is reported
 * and skipped; the rest still go. Inputs are pulled only as fast as the sender takes them.
 */
export async function sendRecords(
  inputs: Iterable<RecordInput> | AsyncIterable<RecordInput>,
  sender: KinesisSender,
  options: SendRecordsOptions,
): Promise<SendSummary> {
  let invalid = 0;
  for await (const input of inputs) {
    let record: ReturnType<typeof toOutgoing>;
    try {
      record = toOutgoing(input, options.keyField);
    } catch (error) {
      if (!(error instanceof InvalidRecordError)) throw error;
      invalid += 1;
      options.onInvalid(error);
      continue;
    }
    await sender.add(record);
  }
  return { ...(await sender.flush()), invalid };
}
