import type { NamedAggregate } from '../pipeline/spec.ts';
import type { WindowRowState } from '../store/window-rows.ts';
import { encodeRow, type RowAcc, rowResults } from './row-accumulator.ts';

/**
 * A row written once, already final (an assembled sliding window, a closed session, a sealed
 * pane): version 1 and no fences, since nothing folds into it afterwards.
 */
export function finalRowState(
  aggregates: readonly NamedAggregate[],
  end: number,
  acc: RowAcc,
  events: bigint,
): WindowRowState {
  return {
    end,
    final: true,
    events,
    results: rowResults(aggregates, acc),
    acc: encodeRow(aggregates, acc),
    version: 1n,
    fences: new Map(),
  };
}
