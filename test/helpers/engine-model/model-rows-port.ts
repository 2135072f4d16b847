import type { EnginePorts } from '#lib/engine/ports';
import type {
  CreateOutcome,
  PartitionId,
  RowWrite,
  WindowRowId,
  WindowRowState,
} from '#lib/store/window-rows';
import {
  type Caller,
  copyRow,
  type ModelStore,
  partitionOf,
  type Row,
  rowKeyOf,
} from './model-store.ts';

/** The window-row port of the model: compare-and-set per row, conditional batches per partition. */
export function modelRowsPort(store: ModelStore, caller: Caller): EnginePorts['rows'] {
  const read = (id: WindowRowId) => {
    const row = store.rows.get(rowKeyOf(id));
    return row ? copyRow(row) : undefined;
  };
  const range = (p: PartitionId, from: number, to: number) =>
    [...store.rows.values()]
      .filter(
        (r) => !r.unwritten && partitionOf(r) === partitionOf(p) && r.start >= from && r.start < to,
      )
      .sort((a, b) => a.start - b.start)
      .map(copyRow);
  const put = (id: WindowRowId, state: WindowRowState): Row => ({ ...id, ...state });
  const applicable = (id: WindowRowId, expected?: bigint) => {
    const row = store.rows.get(rowKeyOf(id));
    return expected === undefined
      ? !row
      : row !== undefined && row.version === expected && !row.final;
  };
  return {
    partitionWrites: store.mode === 'cassandra',
    read: (id) => store.plain(caller, 'read', () => read(id)),
    readMany: (p, starts) =>
      store.plain(caller, 'readMany', () => starts.flatMap((start) => read({ ...p, start }) ?? [])),
    readRange: (p, from, to) => store.plain(caller, 'readRange', () => range(p, from, to)),
    readSettled: (p, from, to) =>
      store.singleWriter
        ? store.plain(caller, 'readRange', () => range(p, from, to))
        : store.paxos(caller, 'readSettled', partitionOf(p), () => ({
            applies: false,
            commit: () => {},
            result: range(p, from, to),
          })),
    create: (id, state) =>
      store.paxos<CreateOutcome>(caller, 'create', partitionOf(id), () => {
        const existing = read(id);
        return existing
          ? { applies: false, commit: () => {}, result: { created: false, existing } }
          : {
              applies: true,
              commit: () => store.rows.set(rowKeyOf(id), put(id, state)),
              result: { created: true },
            };
      }),
    update: (id, state, expected) =>
      store.paxos(caller, `update ${id.window}`, partitionOf(id), () => {
        const applies = applicable(id, expected);
        return {
          applies,
          commit: () => store.rows.set(rowKeyOf(id), put(id, state)),
          result: applies,
        };
      }),
    writePartition: (p, writes: readonly RowWrite[]) =>
      store.paxos(caller, 'writePartition', partitionOf(p), () => {
        const applies = writes.every((w) =>
          applicable({ ...p, start: w.start }, w.expectedVersion),
        );
        return {
          applies,
          commit: () => {
            for (const w of writes) {
              const id = { ...p, start: w.start };
              store.rows.set(rowKeyOf(id), put(id, w.state));
            }
          },
          result: applies,
        };
      }),
    // Cassandra's rule for cells: the higher write timestamp wins, whatever lands last.
    writeAt: (p, writes, timestamp) =>
      store.plain(caller, 'writeAt', () => {
        for (const w of writes) {
          const id = { ...p, start: w.start };
          const row = store.rows.get(rowKeyOf(id));
          if (row?.writeTs === timestamp && !sameState(row, w.state)) {
            store.violations.push(`two writes of ${rowKeyOf(id)} at timestamp ${timestamp}`);
          }
          if (row?.writeTs !== undefined && row.writeTs >= timestamp) continue;
          const { final: _, ...state } = w.state;
          store.rows.set(rowKeyOf(id), {
            ...id,
            ...state,
            final: row?.final ?? false,
            writeTs: timestamp,
          });
        }
      }),
    finalize: async (ids) => {
      const byPartition = new Map<string, WindowRowId[]>();
      for (const id of ids)
        byPartition.set(partitionOf(id), [...(byPartition.get(partitionOf(id)) ?? []), id]);
      for (const [partition, list] of byPartition) {
        const markFinal = () => {
          for (const id of list) {
            const row = store.rows.get(rowKeyOf(id));
            store.rows.set(
              rowKeyOf(id),
              row
                ? { ...row, final: true }
                : { ...id, ...EMPTY_FINAL, fences: new Map(), unwritten: true },
            );
          }
        };
        if (store.mode === 'cassandra' && !store.singleWriter) {
          // A conditional batch: settles the partition's half-done rounds, then applies.
          await store.paxos(caller, 'finalize', partition, () => ({
            applies: true,
            commit: markFinal,
            result: undefined,
          }));
        } else {
          await store.plain(caller, 'markFinal', markFinal);
        }
      }
    },
  };
}

const EMPTY_FINAL: WindowRowState = {
  end: 0,
  final: true,
  events: 0n,
  results: [],
  acc: new Uint8Array(),
  version: 0n,
  fences: new Map(),
};

function sameState(row: Row, state: WindowRowState): boolean {
  const fences = (f: ReadonlyMap<string, bigint>) => [...f].map(([k, v]) => `${k}=${v}`).join();
  return (
    row.events === state.events &&
    row.version === state.version &&
    fences(row.fences) === fences(state.fences) &&
    Buffer.from(row.acc).equals(Buffer.from(state.acc))
  );
}
