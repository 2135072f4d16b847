import { describe, expect, it } from 'vitest';
import { count, sum } from '#lib/aggregates/index';
import { addToRow, encodeRow, initRow } from '#lib/engine/row-accumulator';
import { decodeSessionState, encodeSessionState } from '#lib/engine/session-state';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { session } from '#lib/windows/index';

const { aggregates } = definePipeline({
  name: 'session_state',
  source: { stream: 's' },
  key: 'k',
  time: 't',
  windows: [session('30s')],
  aggregates: { n: count(), total: sum('v') },
});

function accOf(values: number[]) {
  const acc = initRow(aggregates);
  for (const v of values) addToRow(aggregates, acc, [undefined, v]);
  return acc;
}

const open = [{ start: 1_000, end: 31_000, value: { acc: accOf([2, 3]), events: 2n } }];
const closing = [{ start: 0, end: 500, value: { acc: accOf([7]), events: 1n } }];

/** Format 1 as it was written before `indexed` (built here byte by byte, not by the encoder). */
function formatOne(): Uint8Array {
  const sessions = [...open, ...closing];
  const rows = sessions.map((s) => encodeRow(aggregates, s.value.acc));
  const out = new Uint8Array(9 + rows.reduce((n, r) => n + 28 + r.byteLength, 0));
  const view = new DataView(out.buffer);
  out[0] = 1;
  view.setUint32(1, open.length);
  view.setUint32(5, closing.length);
  let offset = 9;
  sessions.forEach((s, i) => {
    const row = rows[i] as Uint8Array;
    view.setFloat64(offset, s.start);
    view.setFloat64(offset + 8, s.end);
    view.setFloat64(offset + 16, Number(s.value.events));
    view.setUint32(offset + 24, row.byteLength);
    out.set(row, offset + 28);
    offset += 28 + row.byteLength;
  });
  return out;
}

describe('session state', () => {
  it('keeps the close time a closer entered the row at', () => {
    // Arrange
    const state = { open, closing, indexed: 61_000 };

    // Act
    const decoded = decodeSessionState(aggregates, encodeSessionState(aggregates, state));

    // Assess
    expect(decoded).toEqual(state);
  });

  it('has no entry recorded when none was', () => {
    // Act
    const decoded = decodeSessionState(
      aggregates,
      encodeSessionState(aggregates, { open, closing }),
    );

    // Assess
    expect(decoded).toEqual({ open, closing });
    expect('indexed' in decoded).toBe(false);
  });

  it('still reads rows written before the entry was recorded', () => {
    // Act
    const decoded = decodeSessionState(aggregates, formatOne());

    // Assess
    expect(decoded).toEqual({ open, closing });
  });

  it('refuses a format it does not know', () => {
    // Arrange
    const bytes = formatOne();
    bytes[0] = 9;

    // Act / Assess
    expect(() => decodeSessionState(aggregates, bytes)).toThrow(/unknown session state format 9/);
  });
});
