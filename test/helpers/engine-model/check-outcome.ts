import { type DecodedEvent, decodeEvent } from '#lib/engine/decode-event';
import { lateLabel } from '#lib/engine/late-label';
import { rowResults } from '#lib/engine/row-accumulator';
import { decodeSessionState } from '#lib/engine/session-state';
import type { Pipeline } from '#lib/pipeline/spec';
import { pipelineWatermark } from '#lib/store/watermark';
import type { StoredWindowRow } from '#lib/store/window-rows';
import { closeTime, slidingWindowsOf, tumblingWindowOf } from '#lib/windows/index';
import type { ModelStream } from './model-stream.ts';
import type { StoreSnapshot } from './store-snapshot.ts';

type Tally = { events: bigint; total: number };

const valueIn = (e: DecodedEvent) => Number(e.inputs[1]);

/**
 * What is wrong with the end state of a schedule, judged against the records themselves (an
 * independent ground truth, not the engine's own bookkeeping):
 * - every bad record is dead-lettered once, every good one never;
 * - for every event and each of its tumbling and sliding windows: counted there or recorded late
 *   for it, never both, never neither (the window's count and sum are exactly those of the events
 *   not recorded late for it, and every late record names a window of its event);
 * - session windows hold, with their late events, every event exactly once;
 * - every window the final watermark has passed is final, and the open index holds none of them.
 */
export function outcomeProblems(
  pipeline: Pipeline,
  store: StoreSnapshot,
  stream: ModelStream,
): string[] {
  const problems: string[] = [...(store.violations ?? [])];
  const good: DecodedEvent[] = [];
  const bad = new Set<string>();
  for (const shard of stream.shards.values()) {
    for (const record of shard.records) {
      const decoded = decodeEvent(pipeline, record);
      if (decoded.ok) good.push(decoded.event);
      else if (decoded.rejected) bad.add(`${record.shardId}|${record.sequenceNumber}`);
    }
  }
  const dead = store.deadLetterKeys;
  for (const id of bad) if (!dead.has(id)) problems.push(`bad record ${id} is not dead-lettered`);
  for (const id of dead) if (!bad.has(id)) problems.push(`good record ${id} was dead-lettered`);

  const late = store.lateKeys;
  const lateOf = (e: DecodedEvent, label: string) =>
    late.has(`${e.record.shardId}|${e.record.sequenceNumber}|${label}`);
  const expected = new Map<string, Tally & { close: number }>();
  const validLate = new Set<string>();
  const allowed = pipeline.lateness.allowedMs;
  for (const e of good) {
    for (const { name, spec } of pipeline.windows) {
      if (spec.kind === 'session') {
        validLate.add(`${e.record.shardId}|${e.record.sequenceNumber}|${lateLabel(name)}`);
        continue;
      }
      const windows =
        spec.kind === 'tumbling'
          ? [tumblingWindowOf(e.time, spec.size)]
          : slidingWindowsOf(e.time, spec);
      for (const w of windows) {
        const label = lateLabel(name, w.start);
        validLate.add(`${e.record.shardId}|${e.record.sequenceNumber}|${label}`);
        if (lateOf(e, label)) continue;
        const id = `${e.key}|${name}|${w.start}`;
        const tally = expected.get(id) ?? { events: 0n, total: 0, close: closeTime(w, allowed) };
        tally.events += 1n;
        tally.total += valueIn(e);
        expected.set(id, tally);
      }
    }
  }
  for (const id of late)
    if (!validLate.has(id)) problems.push(`late record ${id} names no window of its event`);

  const watermark = pipelineWatermark(store.shards);
  const rows = store.rows.filter((r) => !r.unwritten);
  const finalRows = new Map<string, StoredWindowRow>();
  for (const row of rows) {
    if (!row.window.includes('#')) finalRows.set(`${row.key}|${row.window}|${row.start}`, row);
  }
  for (const [id, want] of expected) {
    const row = finalRows.get(id);
    if (want.close > watermark && !row?.final) continue; // not due: may still be open
    if (!row) {
      problems.push(
        `window ${id} (close ${want.close - 0}) is missing; expected ${want.events} events`,
      );
      continue;
    }
    if (!row.final) problems.push(`window ${id} is due (watermark ${watermark}) but not final`);
    const total = Number(row.results[1] ?? rowResults(pipeline.aggregates, [])[1] ?? 0);
    if (row.events !== want.events || total !== want.total) {
      problems.push(
        `window ${id}: ${row.events} events, total ${total}; the events say ${want.events}, total ${want.total}`,
      );
    }
  }
  const sessionName = pipeline.windows.find((w) => w.spec.kind === 'session')?.name;
  for (const [id, row] of finalRows) {
    if (row.window === sessionName) continue;
    if (!expected.has(id))
      problems.push(`window ${id} has ${row.events} events no event accounts for`);
  }

  if (sessionName) problems.push(...sessionProblems(pipeline, sessionName, good, rows, late));
  for (const entry of store.open) {
    if (entry.closeAt <= watermark) {
      problems.push(
        `open index still holds ${entry.key} ${entry.window} ${entry.start} (close ${entry.closeAt} <= watermark ${watermark})`,
      );
    }
  }
  return problems;
}

function sessionProblems(
  pipeline: Pipeline,
  name: string,
  good: readonly DecodedEvent[],
  rows: readonly StoredWindowRow[],
  late: ReadonlySet<string>,
): string[] {
  let events = 0n;
  let total = 0;
  for (const row of rows) {
    if (row.window === name) {
      events += row.events;
      total += Number(row.results[1] ?? 0);
    } else if (row.window === `${name}#open`) {
      const state = decodeSessionState(pipeline.aggregates, row.acc);
      for (const s of [...state.open, ...state.closing]) {
        events += s.value.events;
        total += Number(rowResults(pipeline.aggregates, s.value.acc)[1] ?? 0);
      }
    }
  }
  const lateEvents = good.filter((e) =>
    late.has(`${e.record.shardId}|${e.record.sequenceNumber}|${name}`),
  );
  const wantEvents = BigInt(good.length - lateEvents.length);
  const wantTotal =
    good.reduce((n, e) => n + valueIn(e), 0) - lateEvents.reduce((n, e) => n + valueIn(e), 0);
  return events === wantEvents && total === wantTotal
    ? []
    : [
        `sessions hold ${events} events (total ${total}); the events say ${wantEvents} (total ${wantTotal})`,
      ];
}
