/** Limits of one PutRecords call, from the Kinesis API reference. */
export const PUT_RECORDS_LIMITS = {
  records: 500,
  /** Data plus partition key of every record in one request. */
  requestBytes: 5 * 1024 * 1024,
  /** Data plus partition key of one record. */
  recordBytes: 1024 * 1024,
  /** Unicode characters of a partition key (at least 1). */
  partitionKeyChars: 256,
} as const;

export type PutRecordsLimits = {
  records: number;
  requestBytes: number;
  recordBytes: number;
  partitionKeyChars: number;
};

/** A record on its way to Kinesis. */
export type OutgoingRecord = {
  data: Uint8Array;
  partitionKey: string;
  /** Names the record in messages: 'line 12', 'event 7'. */
  ref: string;
};

/** What a record counts against the request limits: its data and its partition key, in bytes. */
export function recordBytes(record: OutgoingRecord): number {
  return record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8');
}

/** Why Kinesis would refuse the record, or undefined when it is fine. */
export function recordProblem(
  record: OutgoingRecord,
  limits: PutRecordsLimits = PUT_RECORDS_LIMITS,
): string | undefined {
  const keyChars = [...record.partitionKey].length;
  if (keyChars === 0) return 'the partition key is empty';
  if (keyChars > limits.partitionKeyChars) {
    return `the partition key has ${keyChars} characters, more than ${limits.partitionKeyChars}`;
  }
  const bytes = recordBytes(record);
  if (bytes > limits.recordBytes) {
    return `${bytes} bytes (data and partition key) is more than the ${limits.recordBytes} a record may have`;
  }
  return undefined;
}
