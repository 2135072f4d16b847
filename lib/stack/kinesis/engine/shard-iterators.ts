import { invalidArgument, KinesisApiError } from './kinesis-api-error.ts';

/** What a shard iterator names: a place in one shard of one stream, as of when it was issued. */
export type IteratorPosition = {
  stream: string;
  epoch: number;
  shardId: string;
  /** The place of the next record to read. */
  place: number;
  issuedAt: number;
};

/** Kinesis stops honouring an iterator five minutes after it was issued. */
export const ITERATOR_LIFETIME_MS = 300_000;

export function encodeIterator(p: IteratorPosition): string {
  return Buffer.from(JSON.stringify([p.stream, p.epoch, p.shardId, p.place, p.issuedAt])).toString(
    'base64',
  );
}

export function decodeIterator(text: string, now: number): IteratorPosition {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw invalidArgument('Invalid ShardIterator.');
  }
  if (!Array.isArray(fields) || fields.length !== 5)
    throw invalidArgument('Invalid ShardIterator.');
  const [stream, epoch, shardId, place, issuedAt] = fields;
  if (
    typeof stream !== 'string' ||
    typeof shardId !== 'string' ||
    !Number.isSafeInteger(epoch) ||
    !Number.isSafeInteger(place) ||
    !Number.isSafeInteger(issuedAt)
  ) {
    throw invalidArgument('Invalid ShardIterator.');
  }
  if (now - issuedAt > ITERATOR_LIFETIME_MS) {
    throw new KinesisApiError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${new Date(issuedAt).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_LIFETIME_MS} milliseconds.`,
    );
  }
  return { stream, epoch, shardId, place, issuedAt };
}
