import { Command, Option } from 'commander';
import { type CassflowConfig, resolveConfig } from '#lib/config/config';
import type { AnyPipeline } from '#lib/pipeline/any-pipeline';
import { loadPipelineFile } from '#lib/pipeline-file/load-pipeline-file';
import { createSession, pipelineCassandra } from '#lib/store/session';
import { readRejects } from '#lib/sync/read-rejects';
import { runConfiguredSyncJob } from '#lib/sync/run-configured-job';
import type { SyncProgress } from '#lib/sync/run-passes';
import { findSyncJob, type SyncJob, syncJobsOf } from '#lib/sync/sync-jobs';
import { SYNC_REJECTS } from '#lib/sync/sync-tables';
import { parseDuration } from '#lib/windows/duration';
import { EXAMPLE_PIPELINES } from '../../examples/index.ts';
import { rejectLine } from '../format-rejects.ts';
import { wholeNumber } from '../option-values.ts';
import type { CommandOutput } from '../output.ts';
import { UsageError } from '../output.ts';
import { bar, startProgressLine } from '../progress.ts';
import { parseTimeArg } from '../time-arg.ts';

type SyncOptions = {
  job: string;
  mode?: 'full' | 'closed-windows';
  file?: string;
  timeLimit?: string;
  rejects?: boolean;
  since?: number;
  limit: number;
};

function progressText(p: SyncProgress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((p.rowsRead * 1000) / elapsedMs) : 0;
  const ranges =
    p.rangesTotal > 0
      ? `${bar(p.rangesDone / p.rangesTotal)} ${p.rangesDone}/${p.rangesTotal} ranges`
      : 'no ranges';
  return `${ranges}  ${p.rowsRead.toLocaleString('en-US')} rows  ${p.pages} pages  ${rate.toLocaleString('en-US')} rows/s`;
}

/** `cassflow sync --job J`: one run of a pipeline's sync job, from where the last one stopped. */
export function syncCommand(out: CommandOutput): Command {
  return new Command('sync')
    .summary("run a pipeline's sync job once: Cassandra rows into S3, DynamoDB or PostgreSQL")
    .description(
      "Run one of the pipelines' sync jobs once, the way its scheduled Lambda does: read the " +
        'source page by page (full: token-range splits; closed-windows: only windows that became ' +
        'final since the last pass) and write each page to the target. It goes on with an ' +
        'unfinished pass from its checkpoints; a finished pass makes the next run start a new one.',
    )
    .requiredOption('--job <name>', 'the sync job (a `sync` entry of a pipeline)')
    .addOption(
      new Option('--mode <mode>', "override the job's mode").choices(['full', 'closed-windows']),
    )
    .option('--file <path>', 'also look in the pipelines of this module (default: the examples)')
    .option('--time-limit <duration>', 'stop taking pages after this long, e.g. 5m (default: none)')
    .option('--rejects', "list the rows the job's target could not take instead of running it")
    .option(
      '--since <time>',
      'with --rejects: recorded since, e.g. -2h (default: -14d, all kept)',
      (v) => parseTimeArg(v),
    )
    .option('--limit <n>', 'with --rejects: list at most this many', wholeNumber(1), 100)
    .action(async (options: SyncOptions) => {
      const pipelines: AnyPipeline[] = [...EXAMPLE_PIPELINES.values()];
      if (options.file) pipelines.push(...(await loadPipelineFile(options.file)).pipelines);
      const found = findSyncJob(syncJobsOf(pipelines), options.job);
      if (options.rejects) {
        await listRejects(out, resolveConfig(process.env), found, options);
        return;
      }
      const job = options.mode ? { ...found.job, mode: options.mode } : found.job;
      let limitMs = Number.POSITIVE_INFINITY;
      if (options.timeLimit !== undefined) {
        try {
          limitMs = parseDuration(options.timeLimit, '--time-limit');
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      }
      const started = Date.now();
      let progress: SyncProgress = {
        pages: 0,
        rowsRead: 0,
        rowsWritten: 0,
        rowsRejected: 0,
        rangesDone: 0,
        rangesTotal: 0,
      };
      const stop = startProgressLine(process.stderr, (ms) => progressText(progress, ms));
      const result = await runConfiguredSyncJob(
        resolveConfig(process.env),
        { job, pipeline: found.pipeline },
        { remainingMs: () => limitMs - (Date.now() - started), marginMs: 0 },
        (p) => {
          progress = { ...p };
        },
      ).finally(stop);
      const seconds = (Date.now() - started) / 1000;
      const state = result.skipped
        ? `did not run: ${result.skipped}`
        : result.passFinished
          ? 'pass finished'
          : result.stoppedForTime
            ? 'stopped at the time limit; the next run goes on'
            : 'pass unfinished';
      out.result({ job: job.name, ...result, mode: job.mode, seconds });
      out.info(
        `Sync ${job.name} (${job.mode}) ${result.source} → ${result.target}: ` +
          `${result.rowsRead.toLocaleString('en-US')} rows read, ${result.rowsWritten.toLocaleString('en-US')} written, ` +
          (result.rowsRejected > 0
            ? `${result.rowsRejected.toLocaleString('en-US')} rejected (the target cannot take them; ` +
              `list them with: cassflow sync --job ${job.name} --rejects), `
            : '') +
          `${result.pages} pages, ${result.rangesDone}/${result.rangesTotal} ranges, in ${seconds.toFixed(1)} s ` +
          `(${Math.round(result.rowsRead / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s); ` +
          `${result.resumed ? 'resumed a pass; ' : ''}` +
          `${result.restarted ? `dropped the unfinished pass (${result.restarted}); ` : ''}${state}`,
      );
    });
}

/**
 * `sync --rejects`: the job's rejects, newest hour first, from the rejects table of the job's
 * keyspace.
 */
async function listRejects(
  out: CommandOutput,
  config: CassflowConfig,
  { job, pipeline }: SyncJob,
  options: SyncOptions,
): Promise<void> {
  const session = createSession(pipelineCassandra(config.cassandra, pipeline));
  try {
    const now = Date.now();
    const from = options.since ?? now - SYNC_REJECTS.ttlSeconds * 1000;
    const { rejects, more } = await readRejects(session, job.name, {
      from,
      to: now,
      limit: options.limit,
    });
    const where = `${session.keyspace}.${SYNC_REJECTS.name}`;
    if (rejects.length === 0) {
      out.info(`No rejects of ${job.name} since ${new Date(from).toISOString()} (in ${where}).`);
      return;
    }
    out.info('recorded_at\tprimary key\treason\trow');
    for (const reject of rejects) {
      out.info(rejectLine(reject));
      out.result(reject);
    }
    out.info(
      `${rejects.length} reject(s) of ${job.name} from ${where}` +
        (more ? `; more were left out (--limit ${options.limit}, or --since)` : ''),
    );
  } finally {
    await session.shutdown();
  }
}
