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
  progress: (line: string) => void;
};

/** A figure and the baseline it is compared with, measured in the same run. */
export type Ratio = {
  name: string;
  value: number;
  /** The target the issue sets (e.g. 20 for "at least 20x"), if any. */
  target?: number;
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
