import type { ShardWatermark } from '#lib/store/watermark';
import type { IndexedWindow } from '#lib/store/window-index';
import type { StoredWindowRow } from '#lib/store/window-rows';

/**
 * What a schedule left in the store, for outcomeProblems: the same whether the store was the
 * model or a real Cassandra.
 */
export type StoreSnapshot = {
  /** Window-table rows; `unwritten` ones hold only `final`. */
  rows: (StoredWindowRow & { unwritten?: boolean })[];
  /** `shard|sequence number|window label` of every late event. */
  lateKeys: ReadonlySet<string>;
  /** `shard|sequence number` of every dead letter. */
  deadLetterKeys: ReadonlySet<string>;
  /** The open index's entries. */
  open: IndexedWindow[];
  shards: ShardWatermark[];
  /** What the model saw happen that never may (two different writes at one timestamp). */
  violations?: readonly string[];
};
