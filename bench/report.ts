import type { CassflowRun, Phases } from './cassflow-run.ts';
import type { FoldRates } from './in-memory-fold.ts';
import type { NaiveRun } from './naive-lwt.ts';
import { formatSpread, median, type Spread, spread, textTable } from './stats.ts';

export type KeyCountResult = {
  keys: number;
  /** CPU use of the machine, sampled while the bench was idle just before these runs. */
  backgroundCpuPercent: number;
  cassflow: CassflowRun[];
  naive: NaiveRun[];
  inMemory: FoldRates;
};

export type BenchReport = {
  date: string;
  node: string;
  cpus: number;
  records: number;
  naiveRecords: number;
  repeats: number;
  concurrency: number;
  backgroundCpuPercent: number;
  busyThresholdPercent: number;
  results: KeyCountResult[];
};

type Summary = {
  keys: number;
  cassflow: {
    wallMs: Spread;
    eventsPerSec: Spread;
    /** Events/s of the call minus its window-closing phase (what the baseline also does). */
    eventsPerSecWithoutClosing: Spread;
    phasesMs: Phases;
  };
  naive: { records: number; wallMs: Spread; eventsPerSec: Spread };
  /** Median cassflow events/s over median naive events/s. */
  ratio: number;
};

function summarize(r: KeyCountResult): Summary {
  const cassflowRate = spread(r.cassflow.map((c) => c.eventsPerSec));
  const naiveRate = spread(r.naive.map((n) => n.eventsPerSec));
  const phase = (name: keyof Phases) => median(r.cassflow.map((c) => c.phases[name]));
  return {
    keys: r.keys,
    cassflow: {
      wallMs: spread(r.cassflow.map((c) => c.wallMs)),
      eventsPerSec: cassflowRate,
      eventsPerSecWithoutClosing: spread(
        r.cassflow.map(
          (c) => (c.records / (c.wallMs - c.phases.closer - c.phases.ownLateOpens)) * 1000,
        ),
      ),
      phasesMs: {
        decodeAndPlan: phase('decodeAndPlan'),
        rows: phase('rows'),
        watermark: phase('watermark'),
        closer: phase('closer'),
        ownLateOpens: phase('ownLateOpens'),
      },
    },
    naive: {
      records: r.naive[0]?.records ?? 0,
      wallMs: spread(r.naive.map((n) => n.wallMs)),
      eventsPerSec: naiveRate,
    },
    ratio: cassflowRate.median / naiveRate.median,
  };
}

/** The same figure in every run (the batch is deterministic), or the runs' range if not. */
function same(values: readonly number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

const n0 = (x: number) => x.toFixed(0);

export function printReport(report: BenchReport): void {
  const summaries = report.results.map(summarize);
  const prefix =
    report.naiveRecords < report.records
      ? ` (naive on the first ${report.naiveRecords} records only)`
      : '';
  console.log(
    `\ncassflow aggregate-batch bench: ${report.records} records in one Kinesis batch, one shard, ` +
      `tumbling 1m, {count, sum, avg, max}, concurrency ${report.concurrency}; ` +
      `median (min–max) of ${report.repeats} cold calls on fresh tables\n` +
      `Node ${report.node}, ${report.cpus} CPUs, ${report.date}\n`,
  );
  console.log(
    textTable(
      [
        'keys',
        'records',
        'rows',
        'cond. writes',
        'CAS retries',
        'closed',
        'all LWTs',
        'wall ms',
        'events/s',
      ],
      report.results.map((r, i) => {
        const s = summaries[i] as Summary;
        return [
          String(r.keys),
          same(r.cassflow.map((c) => c.records)),
          same(r.cassflow.map((c) => c.rows)),
          same(r.cassflow.map((c) => c.conditionalWrites)),
          same(r.cassflow.map((c) => c.casRetries)),
          same(r.cassflow.map((c) => c.windowsClosed)),
          same(r.cassflow.map((c) => c.lwtStatements)),
          formatSpread(s.cassflow.wallMs),
          formatSpread(s.cassflow.eventsPerSec),
        ];
      }),
    ),
  );
  console.log(
    '\nrows: distinct (key, window) rows touched; cond. writes: BatchResult.conditionalWrites ' +
      '(row LWTs incl. retries); closed: windows the call made final; all LWTs: every conditional ' +
      "statement of the call, the closer's included",
  );
  console.log(
    `\nBaseline: one LWT per event${prefix}. w/o closing: the call minus its two closing ` +
      'phases. Upper bounds without I/O: fold-only (plan + aggregate fold of decoded events) and ' +
      'CPU path (base64 + JSON decode, validate, plan, fold, encode rows)\n',
  );
  console.log(
    textTable(
      [
        'keys',
        'cassflow ev/s',
        'w/o closing',
        'naive ev/s',
        'cassflow/naive',
        'fold-only ev/s',
        'CPU path ev/s',
      ],
      report.results.map((r, i) => {
        const s = summaries[i] as Summary;
        return [
          String(r.keys),
          n0(s.cassflow.eventsPerSec.median),
          n0(s.cassflow.eventsPerSecWithoutClosing.median),
          formatSpread(s.naive.eventsPerSec),
          `${s.ratio.toFixed(2)}x`,
          n0(r.inMemory.foldEventsPerSec),
          n0(r.inMemory.cpuPathEventsPerSec),
        ];
      }),
    ),
  );
  console.log(
    '\nWhere the handler call spends its time (median ms). close due: the closer making due ' +
      "windows final; re-close own: processBatch's closeOwnLateOpens, which visits the windows " +
      'this batch opened that close before the cursor claim and its own closer run did not cover\n',
  );
  console.log(
    textTable(
      [
        'keys',
        'decode+plan',
        'fold rows',
        'watermark',
        'close due',
        're-close own',
        'statements/event',
      ],
      report.results.map((r, i) => {
        const p = (summaries[i] as Summary).cassflow.phasesMs;
        const perEvent = median(r.cassflow.map((c) => c.statements / c.records));
        return [
          String(r.keys),
          n0(p.decodeAndPlan),
          n0(p.rows),
          n0(p.watermark),
          n0(p.closer),
          n0(p.ownLateOpens),
          perEvent.toFixed(2),
        ];
      }),
    ),
  );
  if (report.backgroundCpuPercent > report.busyThresholdPercent) {
    console.log(
      `\nWARNING: the CPUs were ${report.backgroundCpuPercent.toFixed(0)}% busy with other work ` +
        'before a measurement: these figures are skewed; rerun on a quiet machine.',
    );
  }
  console.log(`\nBENCH_JSON ${JSON.stringify({ ...report, summaries })}`);
}
