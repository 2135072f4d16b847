import type { Output } from './output.ts';

/**
 * Code points that steer a terminal rather than show: C0 controls but tab and newline (escape
 * sequences, carriage return), DEL and the C1 controls, and the bidirectional marks and
 * overrides that reorder what is shown. Keys and values come from event data, so a producer
 * could otherwise clear the screen or forge rows of a table through them.
 */
const STEERING: readonly [number, number][] = [
  [0x00, 0x08],
  [0x0b, 0x1f],
  [0x7f, 0x9f],
  [0x61c, 0x61c],
  [0x200e, 0x200f],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
];

export function isSteering(code: number): boolean {
  return STEERING.some(([from, to]) => code >= from && code <= to);
}

/** The text with every steering character written as a `\uXXXX` escape (JSON stays valid). */
export function printable(text: string): string {
  let shown = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isSteering(code)) continue;
    shown += `${text.slice(from, i)}\\u${code.toString(16).padStart(4, '0')}`;
    from = i + 1;
  }
  return from === 0 ? text : shown + text.slice(from);
}

/**
 * One cell of a table: printable, and with tab and newline escaped as well, so a value cannot
 * start a new row or shift the columns.
 */
export function printableCell(text: string): string {
  return printable(text).replaceAll('\t', '\\t').replaceAll('\n', '\\n');
}

/** An Output that writes only printable text to the given console. */
export function printableOutput(console: Pick<Console, 'log' | 'error'>): Output {
  return {
    info: (line) => console.log(printable(line)),
    error: (line) => console.error(printable(line)),
  };
}
