import type { CassflowConfig } from '#lib/config/config';
import type { BenchStore } from './store.ts';

/** What every case gets: the local Cassandra (bench keyspace), the config, a progress line. */
export type BenchContext = {
  store: BenchStore;
  config: CassflowConfig;
  /** Distinguishes this run's tables and streams from an interrupted run's. */
  runId: string;
  /** Timed repetitions per measurement (each after a warm-up). */
  repeats: number;
  /** `--long`: the end-to-end case runs 10 minutes per shard count instead of one. */
  long: boolean;
  /** `--shards 4`: the end-to-end case's shard counts (default 1, 2 and 4). */
  shardCounts: number[] | undefined;
  progress: (line: string) => void;
};

/** A figure and the baseline it is compared with, measured in the same run. */
export type Ratio = {
  name: string;
  value: number;
  /** The target the issue sets (e.g. 20 for "at least 20x"), if any. */
  target?: number;
  /** The target is a ceiling ("at most 1.2x"), not a floor. */
  atMost?: boolean;
};

/** What a case hands back: its printed table, its figures for the JSON report, its ratios. */
export type CaseResult = {
  title: string;
  table: string;
  /** A line under the table: what the columns mean, where the baseline comes from. */
  notes?: string;
  figures: unknown;
  ratios: Ratio[];
};

export type BenchCase = {
  /** `--only <name>` selects it. */
  name: string;
  run(ctx: BenchContext): Promise<CaseResult>;
};
