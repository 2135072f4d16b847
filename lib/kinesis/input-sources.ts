import type { NumberedLine } from './read-lines.ts';
import type { RecordInput } from './record-input.ts';

/** JSON Lines as inputs named 'line N'; blank lines are skipped (their numbers still count). */
export async function* jsonLinesInputs(
  lines: AsyncIterable<NumberedLine>,
): AsyncGenerator<RecordInput> {
  for await (const { line, text } of lines) {
    if (text.trim() !== '') yield { ref: `line ${line}`, text };
  }
}

/** Values made in this process as inputs, each serialized to JSON and named by `ref`. */
export function* valueInputs<T>(
  values: Iterable<T>,
  ref: (value: T, index: number) => string,
): Generator<RecordInput> {
  let index = 0;
  for (const value of values) {
    yield { ref: ref(value, index), text: JSON.stringify(value), value };
    index += 1;
  }
}
