import type { MetricsBoard } from '../emulator/metrics/metrics-board.ts';
import type { StackFigures } from './stack-watcher.ts';

/**
 * For a dashboard that only reads the store (`cassflow ui`): records processed per pipeline,
 * from how far its shard checkpoints moved between two reads, as its RecordsIn series. The
 * first read only sets the baseline.
 */
export class CheckpointRates {
  readonly #board: MetricsBoard;
  readonly #last = new Map<string, { records: number; at: number }>();

  constructor(board: MetricsBoard) {
    this.#board = board;
  }

  observe(figures: StackFigures): void {
    for (const [pipeline, store] of Object.entries(figures.pipelines)) {
      if ('error' in store) continue;
      const records = store.shards.reduce((sum, s) => sum + (s.checkpoint?.records ?? 0), 0);
      const last = this.#last.get(pipeline);
      this.#last.set(pipeline, { records, at: figures.at });
      // A smaller count is a new stream (its checkpoints start over): a new baseline.
      if (last === undefined || records < last.records) continue;
      // Spread over the seconds since the last read, so a 2 s read is not a spike in one second.
      const first = Math.floor(last.at / 1000) + 1;
      const seconds = Math.max(1, Math.floor(figures.at / 1000) - first + 1);
      for (let i = 0; i < seconds; i++) {
        const at = (Math.floor(figures.at / 1000) - seconds + 1 + i) * 1000;
        this.#board.add(pipeline, 'RecordsIn', 'Count', at, (records - last.records) / seconds);
      }
    }
  }
}
