import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowJson, windowLines } from '../../cli/format-windows.ts';
import { isSteering, printable, printableOutput } from '../../cli/printable.ts';

const ESC = String.fromCharCode(0x1b);
const forged = {
  key: `a${ESC}[2J${ESC}[H\rk9  tumbling_1m  forged\u202e`,
  window: 'tumbling_1m',
  start: Date.UTC(2026, 0, 1),
  end: Date.UTC(2026, 0, 1, 0, 1),
  final: true,
  events: 3n,
  values: { n: 3n },
};
const steers = (text: string) => [...text].some((c) => isSteering(c.charCodeAt(0)));

describe('what the CLI prints from event data', () => {
  it('GIVEN a key with escape sequences, a carriage return and a bidi override THEN the table shows them as escapes', () => {
    const printed: string[] = [];
    const out = printableOutput({ log: (line) => printed.push(line), error: () => {} });
    for (const line of windowLines([forged], ['n'])) out.info(line);
    expect(printed).toHaveLength(2);
    expect(printed[1]).toContain('a\\u001b[2J\\u001b[H\\u000dk9  tumbling_1m  forged\\u202e');
    expect(printed.some(steers)).toBe(false);
  });

  it('GIVEN a key with a newline or a tab THEN it stays in its cell: no forged row, no shifted column', () => {
    const lines = windowLines([{ ...forged, key: 'x\nk9\ttumbling_1m' }], ['n']);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^x\\nk9\\ttumbling_1m {2}tumbling_1m/);
  });

  it('GIVEN the --json form THEN the escaped line is still JSON that reads back the same key', () => {
    const line = printable(windowJson(forged));
    expect(JSON.parse(line).key).toBe(forged.key);
  });

  it('GIVEN any text THEN no steering character survives, and text without one is unchanged (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const shown = printable(text);
        expect(steers(shown)).toBe(false);
        if (!steers(text)) expect(shown).toBe(text);
        expect(printable('\t\n')).toBe('\t\n');
      }),
    );
  });
});
