import {
  type OutgoingRecord,
  PUT_RECORDS_LIMITS,
  type PutRecordsLimits,
  recordBytes,
} from './outgoing-record.ts';

/**
 * Packs records into PutRecords requests of at most 500 records and 5 MiB. Records must have
 * passed recordProblem, so each fits into a request of its own.
 */
export class BatchBuilder<R extends OutgoingRecord = OutgoingRecord> {
  readonly #limits: PutRecordsLimits;
  #records: R[] = [];
  #bytes = 0;

  constructor(limits: PutRecordsLimits = PUT_RECORDS_LIMITS) {
    this.#limits = limits;
  }

  /** Records waiting for the next request. */
  get size(): number {
    return this.#records.length;
  }

  /**
   * Adds a record and returns a batch when one is complete: the records before this one when it
   * would overflow the byte limit, or all of them with it when it makes the count limit.
   */
  add(record: R): R[] | undefined {
    const bytes = recordBytes(record);
    const overflows = this.#records.length > 0 && this.#bytes + bytes > this.#limits.requestBytes;
    const before = overflows ? this.take() : undefined;
    this.#records.push(record);
    this.#bytes += bytes;
    // After an overflow the new batch holds one record, below the count limit.
    return before ?? (this.#records.length >= this.#limits.records ? this.take() : undefined);
  }

  /** Everything waiting, as one batch (maybe empty); the builder starts afresh. */
  take(): R[] {
    const batch = this.#records;
    this.#records = [];
    this.#bytes = 0;
    return batch;
  }
}
