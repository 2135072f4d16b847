import { StringDecoder } from 'node:string_decoder';

/** A line of text and its number, counting from 1. */
export type NumberedLine = { line: number; text: string };

/**
 * Splits a stream of chunks (a file, stdin) into lines as they arrive, so a file of any size is
 * read with bounded memory: the next chunk is read only when the consumer asks for more lines.
 * '\n' and '\r\n' end lines; a last line without one counts too.
 */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<NumberedLine> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk));
    let start = 0;
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', start)) {
      line += 1;
      yield { line, text: stripCr(rest.slice(start, end)) };
      start = end + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest.length > 0) yield { line: line + 1, text: stripCr(rest) };
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
