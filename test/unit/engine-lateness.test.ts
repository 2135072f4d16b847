import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count, sum } from '#lib/aggregates/basic';
import { nextRowState } from '#lib/engine/apply-row';
import type { DecodedEvent } from '#lib/engine/decode-event';
import { setEventCuts } from '#lib/engine/lateness-cut';
import { paneShare } from '#lib/engine/pane-share';
import { planBatch } from '#lib/engine/plan-batch';
import { decodeRow, rowResults } from '#lib/engine/row-accumulator';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import { pipelineWatermark, type ShardWatermark } from '#lib/store/watermark';
import {
  closeTime,
  isLate,
  sliding,
  slidingWindowsOf,
  tumbling,
  tumblingWindowOf,
} from '#lib/windows/index';

const T0 = Date.UTC(2026, 5, 1);
const SECOND = 1000;

const pipeline = definePipeline({
  name: 'unit_lateness',
  source: { stream: 's' },
  key: 'k',
  time: 'ts',
  windows: [tumbling('10s'), sliding('30s', '10s')],
  aggregates: { n: count(), total: sum('v') },
  lateness: { outOfOrder: '2s', allowed: '1s' },
});

function event(time: number, seq: number, value: number, shardId = 'shard-0'): DecodedEvent {
  return {
    key: 'a',
    time,
    inputs: [undefined, value],
    record: {
      shardId,
      sequenceNumber: BigInt(seq),
      partitionKey: 'a',
      data: new Uint8Array(),
      arrivedAt: time,
    },
    cut: Number.NEGATIVE_INFINITY,
  };
}

/** A shard's records: event times around a moving clock, some far out of order. */
const shardTimes = fc.array(fc.integer({ min: -20, max: 60 }), { minLength: 1, maxLength: 40 });

describe('the lateness cut', () => {
  it('is the same for a record in every attempt: the whole batch, a retry, either half of a bisection', () => {
    fc.assert(
      fc.property(
        shardTimes,
        fc.integer({ min: -30, max: 30 }),
        fc.nat(),
        (offsets, storedOffset, splitAt) => {
          const times = offsets.map((o, i) => T0 + i * SECOND + o * SECOND);
          const stored = T0 + storedOffset * SECOND;
          const whole = times.map((t, i) => event(t, i + 1, 1));
          setEventCuts(whole, new Map([['shard-0', stored]]), Number.NEGATIVE_INFINITY, 2000);

          // The first half succeeds (its shard row records its newest event), then the second.
          const k = splitAt % (times.length + 1);
          const first = times.slice(0, k).map((t, i) => event(t, i + 1, 1));
          const second = times.slice(k).map((t, i) => event(t, k + i + 1, 1));
          setEventCuts(first, new Map([['shard-0', stored]]), Number.NEGATIVE_INFINITY, 2000);
          const after = Math.max(stored, ...times.slice(0, k));
          setEventCuts(second, new Map([['shard-0', after]]), Number.NEGATIVE_INFINITY, 2000);

          expect([...first, ...second].map((e) => e.cut)).toEqual(whole.map((e) => e.cut));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is the claim when the claim is later, and counts each shard on its own', () => {
    const events = [event(T0, 1, 1, 'a'), event(T0 + 50 * SECOND, 2, 1, 'b'), event(T0, 3, 1, 'a')];
    setEventCuts(events, new Map(), T0 + 10 * SECOND, 2000);
    expect(events.map((e) => e.cut - T0)).toEqual([10 * SECOND, 48 * SECOND, 10 * SECOND]);
  });
});

describe('planning with cuts, and pane generations', () => {
  it('counts every event in exactly the windows that close after its cut, and reports it late for the others', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            offset: fc.integer({ min: 0, max: 59_999 }),
            cutOffset: fc.integer({ min: -10_000, max: 90_000 }),
            value: fc.integer({ min: 1, max: 1000 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (specs) => {
          // Prepare: events with arbitrary cuts (as several shards' batches would give them).
          const events = specs.map((s, i) => {
            const e = event(T0 + s.offset, i + 1, s.value);
            e.cut = T0 + s.cutOffset;
            return e;
          });

          // Act: plan, then write each row from nothing as a batch would.
          const plan = planBatch(pipeline, events);
          const late = new Set(
            plan.late.map((l) => `${l.event.record.sequenceNumber}|${l.window}`),
          );
          const rows = plan.rows.map((row) => ({
            row,
            state: nextRowState(pipeline, row, row.events, undefined),
          }));

          // Assess: per window, what the rows give equals the events not late for it.
          const allowed = pipeline.lateness.allowedMs;
          for (const { name, spec } of pipeline.windows) {
            const ranges = new Map<number, { start: number; end: number }>();
            for (const e of events) {
              const windows =
                spec.kind === 'tumbling'
                  ? [tumblingWindowOf(e.time, spec.size)]
                  : spec.kind === 'sliding'
                    ? slidingWindowsOf(e.time, spec)
                    : [];
              for (const w of windows) ranges.set(w.start, w);
            }
            for (const w of ranges.values()) {
              const label = `${name}@${new Date(w.start).toISOString()}`;
              const inWindow = events.filter((e) => e.time >= w.start && e.time < w.end);
              const counted = inWindow.filter(
                (e) => !late.has(`${e.record.sequenceNumber}|${label}`),
              );
              // An event is late for a window exactly when the window closed at its cut.
              for (const e of inWindow) {
                expect(late.has(`${e.record.sequenceNumber}|${label}`)).toBe(
                  isLate(w, e.cut, allowed),
                );
              }
              let events_ = 0n;
              let total = 0;
              for (const { row, state } of rows) {
                if (row.ref.windowName !== name) continue;
                if (row.ref.kind === 'window' && row.ref.start === w.start) {
                  events_ += state.events;
                  total += Number(
                    rowResults(pipeline.aggregates, decodeRow(pipeline.aggregates, state.acc))[1],
                  );
                }
                if (row.ref.kind === 'pane' && row.ref.start >= w.start && row.ref.end <= w.end) {
                  const share = paneShare(pipeline.aggregates, state, closeTime(w, allowed));
                  events_ += share.events;
                  total += Number(rowResults(pipeline.aggregates, share.acc)[1]);
                }
              }
              expect(events_).toBe(BigInt(counted.length));
              expect(total).toBe(counted.reduce((n, e) => n + Number(e.inputs[1]), 0));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the pipeline's watermark", () => {
  const shard = (
    id: string,
    watermark: number,
    state: ShardWatermark['state'],
  ): ShardWatermark => ({
    shardId: id,
    watermark,
    maxEventTime: watermark,
    lastSeen: 0,
    state,
    version: 1n,
  });

  it('is held back by a shard that is active or being probed, and not by an idle one', () => {
    expect(pipelineWatermark([shard('a', 10, 'active'), shard('b', 50, 'active')])).toBe(10);
    expect(pipelineWatermark([shard('a', 10, 'probing'), shard('b', 50, 'active')])).toBe(10);
    expect(pipelineWatermark([shard('a', 10, 'idle'), shard('b', 50, 'active')])).toBe(50);
  });

  it('is the newest when every shard is idle, and none before any shard reports', () => {
    expect(pipelineWatermark([shard('a', 10, 'idle'), shard('b', 50, 'idle')])).toBe(50);
    expect(pipelineWatermark([])).toBe(Number.NEGATIVE_INFINITY);
    const registered = shard('c', Number.NEGATIVE_INFINITY, 'active');
    expect(pipelineWatermark([registered, shard('b', 50, 'active')])).toBe(
      Number.NEGATIVE_INFINITY,
    );
  });
});
