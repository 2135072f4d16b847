import { parseIsoTime } from '#lib/engine/event-time';
import type { DeadLetter, DeadLetterId } from '#lib/store/dead-letter-rows';
import { printable, printableCell } from './printable.ts';

/** A dead letter's id on the command line: `<UTC hour>/<shard>/<sequence number>`. */
export function deadLetterIdText(letter: DeadLetterId): string {
  return `${new Date(letter.hour).toISOString().slice(0, 13)}/${letter.shardId}/${letter.sequenceNumber}`;
}

/** The id `deadLetterIdText` printed, or undefined when the text is not one. */
export function parseDeadLetterId(source: string, text: string): DeadLetterId | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2})\/([^/]+)\/(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const hour = parseIsoTime(`${match[1]}:00:00Z`);
  if (Number.isNaN(hour)) return undefined;
  return { source, hour, shardId: match[2] as string, sequenceNumber: match[3] as string };
}

/** Where a dead letter stands with replays. */
export function replayState(letter: DeadLetter): string {
  if (letter.replayedAt !== undefined) return `replayed as ${letter.replayedAs ?? '?'}`;
  if (letter.replayClaimedAt !== undefined) return 'replay in doubt (claimed, not confirmed)';
  return letter.raw.byteLength < letter.rawBytes ? 'not replayable (cut)' : '-';
}

const REASON_WIDTH = 100;

/** One line of `dead-letters list`: arrival, id, bytes, replay state, then the reason. */
export function deadLetterLine(letter: DeadLetter): string {
  const reason = printableCell(letter.reason);
  const shown = reason.length > REASON_WIDTH ? `${reason.slice(0, REASON_WIDTH - 1)}…` : reason;
  return [
    new Date(letter.arrivedAt).toISOString(),
    deadLetterIdText(letter),
    `${letter.rawBytes} B`,
    replayState(letter),
    shown,
  ].join('\t');
}

/** Counts per field, most first: what to fix first. */
export function countsByField(counts: ReadonlyMap<string, number>): string {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([field, n]) => `${printableCell(field)} ${n}`)
    .join(', ');
}

/** The raw bytes for a terminal: the text when it is UTF-8 (escaped), else a hex dump. */
export function rawForTerminal(raw: Uint8Array): string[] {
  try {
    return [printable(new TextDecoder('utf-8', { fatal: true }).decode(raw))];
  } catch {
    const lines: string[] = [];
    for (let at = 0; at < raw.byteLength; at += 16) {
      const hex = [...raw.subarray(at, at + 16)].map((b) => b.toString(16).padStart(2, '0'));
      lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.join(' ')}`);
    }
    return lines;
  }
}

/** Every kept field of one dead letter, one per line, then its raw bytes. */
export function deadLetterDetail(letter: DeadLetter): string[] {
  const cut = letter.raw.byteLength < letter.rawBytes;
  return [
    `id            ${deadLetterIdText(letter)}`,
    `pipeline      ${letter.source}`,
    `arrived at    ${new Date(letter.arrivedAt).toISOString()}`,
    `recorded at   ${new Date(letter.recordedAt).toISOString()}`,
    `partition key ${printableCell(letter.partitionKey)}`,
    `field         ${printableCell(letter.field)}`,
    `reason        ${printableCell(letter.reason)}`,
    `raw bytes     ${letter.rawBytes}${cut ? ` (the first ${letter.raw.byteLength} kept)` : ''}`,
    `raw sha-256   ${letter.rawSha256}`,
    `expires in    ${letter.ttlSeconds === undefined ? '-' : `${Math.round(letter.ttlSeconds / 3600)}h`}`,
    `replay        ${replayState(letter)}`,
    '',
    ...rawForTerminal(letter.raw),
  ];
}

/** A dead letter as one JSON line (raw bytes in base64 with `withRaw`). */
export function deadLetterJson(letter: DeadLetter, withRaw: boolean): string {
  const { raw, readAt: _readAt, ...rest } = letter;
  return JSON.stringify({
    id: deadLetterIdText(letter),
    ...rest,
    hour: new Date(letter.hour).toISOString(),
    arrivedAt: new Date(letter.arrivedAt).toISOString(),
    recordedAt: new Date(letter.recordedAt).toISOString(),
    ...(withRaw ? { raw: Buffer.from(raw).toString('base64') } : {}),
  });
}
