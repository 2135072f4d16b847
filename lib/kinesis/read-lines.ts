import { StringDecoder } from 'node:string_decoder';

/** A line of text and its number, counting from 1. */
export type NumberedLine = { line: number; text: string };

/** Kinesis takes records of at most 1 MiB, so no longer line can be one record. */
export const MAX_LINE_CHARS = 1024 * 1024;

/** A line longer than a record can be: the input is most likely not newline-delimited. */
export class LineTooLongError extends Error {
  constructor(line: number, limit: number) {
    super(
      `line ${line} is longer than ${limit} characters, more than a Kinesis record (1 MiB) can ` +
        'hold: send newline-delimited JSON, one event per line',
    );
    this.name = 'LineTooLongError';
  }
}

/**
 * Splits a stream of chunks (a file, stdin) into lines as they arrive, so a file of any size is
 * read with bounded memory: the next chunk is read only when the consumer asks for more lines,
 * and a line may not grow past `maxLineChars`. Each chunk is scanned once, so input without
 * newlines costs linear time. '\n' and '\r\n' end lines; a last line without one counts too.
 */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array | string>,
  maxLineChars = MAX_LINE_CHARS,
): AsyncGenerator<NumberedLine> {
  const decoder = new StringDecoder('utf8');
  // The current line's pieces, joined only when it ends.
  let pieces: string[] = [];
  let length = 0;
  let line = 0;
  const take = (text: string) => {
    if (text.length === 0) return;
    length += text.length;
    // A '\r' that may yet end the line (CRLF) is not part of it.
    if (length - (text.endsWith('\r') ? 1 : 0) > maxLineChars) {
      throw new LineTooLongError(line + 1, maxLineChars);
    }
    pieces.push(text);
  };
  const finish = (): NumberedLine => {
    const text = pieces.join('');
    pieces = [];
    length = 0;
    line += 1;
    return { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk));
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      take(text.slice(start, end));
      yield finish();
      start = end + 1;
    }
    if (start < text.length) take(text.slice(start));
  }
  const last = decoder.end();
  if (last.length > 0) take(last);
  if (length > 0) yield finish();
}
