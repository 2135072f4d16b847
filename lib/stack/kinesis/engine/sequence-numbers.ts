/**
 * Sequence numbers: 56 decimal digits, "49", the stream's creation time, the shard's index and
 * the record's place in its shard. They increase within a shard, a child shard's numbers are above
 * its parents', and a recreated stream never reuses one. Place 0 is the shard's starting number,
 * below its first record (place 1).
 */
const PLACE_DIGITS = 35;
const SHARD_DIGITS = 6;
const EPOCH_DIGITS = 13;
const PATTERN = new RegExp(
  `^49(\\d{${EPOCH_DIGITS}})(\\d{${SHARD_DIGITS}})(\\d{${PLACE_DIGITS}})$`,
);

export type SequencePlace = { streamEpoch: number; shardIndex: number; place: number };

export function sequenceNumber(streamEpoch: number, shardIndex: number, place: number): string {
  return `49${String(streamEpoch).padStart(EPOCH_DIGITS, '0')}${String(shardIndex).padStart(
    SHARD_DIGITS,
    '0',
  )}${String(place).padStart(PLACE_DIGITS, '0')}`;
}

export function parseSequenceNumber(text: string): SequencePlace | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const place = Number(match[3]);
  if (!Number.isSafeInteger(place)) return undefined;
  return { streamEpoch: Number(match[1]), shardIndex: Number(match[2]), place };
}
