import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Command, Option } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { generatePageViews } from '#lib/demo/generate-page-views';
import { createKinesisClient } from '#lib/kinesis/client';
import { jsonLinesInputs, valueInputs } from '#lib/kinesis/input-sources';
import { KinesisSender } from '#lib/kinesis/kinesis-sender';
import { paced } from '#lib/kinesis/pace';
import { putRecordsCall } from '#lib/kinesis/put-records-call';
import { readLines } from '#lib/kinesis/read-lines';
import type { RecordInput } from '#lib/kinesis/record-input';
import { sendRecords } from '#lib/kinesis/send-records';
import { ensureStream, streamExists } from '#lib/kinesis/streams';
import { ExitStatus } from '../exit-status.ts';
import { positiveNumber, wholeNumber } from '../option-values.ts';
import { type CommandOutput, UsageError } from '../output.ts';
import { startProgress } from '../progress.ts';
import { ProblemLog, summaryLine } from '../send-report.ts';

type SendOptions = {
  stream: string;
  file?: string;
  generate?: number;
  keys: number;
  seed?: number;
  rate?: number;
  partitionKey?: string;
  concurrency: number;
  maxAttempts: number;
  createShards?: number;
};

const MORE_HELP = `
Records are JSON Lines, one per line, sent as they are; blank lines are skipped. A line that is
not JSON, lacks its partition key field or is over 1 MiB is reported with its line number and
skipped, the rest still go, and the exit code is then 1 (as when records fail for good).
Generated events are for the example pipeline page_views (which reads the stream page-views):
  {"page":"/page/3","user":"user-417","ts":1767225600000,"ms":131,"id":0}
ts is when the event is made (with --rate the events span N/R seconds), ms a latency around
120 ms, id counts from 0. Failed entries of a PutRecords call, and calls throttled as a whole,
are sent again with exponential backoff and jitter.

Examples:
  cassflow send --stream page-views --generate 10000 --rate 500 --create-shards 2
  cassflow send --stream clicks --file clicks.jsonl --partition-key user.id
  zcat clicks.jsonl.gz | cassflow send --stream clicks`;

/** `cassflow send`: JSON Lines from a file or stdin, or generated page views, into a stream. */
export function sendCommand(out: CommandOutput): Command {
  return new Command('send')
    .summary('put JSON Lines or generated page views into a Kinesis stream')
    .description(
      'Put records into a Kinesis stream: JSON Lines from a file or stdin, or generated ' +
        'page-view events',
    )
    .requiredOption('--stream <name>', 'the Kinesis stream')
    .addOption(
      new Option(
        '--file <path>',
        "a JSON Lines file; '-' is stdin, the default without --generate",
      ).conflicts('generate'),
    )
    .option('--generate <n>', 'send N generated page-view events instead', wholeNumber(1))
    .option('--keys <k>', 'pages of the generated events', wholeNumber(1, 1_000_000), 10)
    .option(
      '--seed <s>',
      'seed of the generated events: same seed, same events (but ts)',
      wholeNumber(0, 2 ** 32 - 1),
    )
    .option(
      '--rate <r>',
      'records per second (default: as fast as Kinesis takes them)',
      positiveNumber,
    )
    .option(
      '--partition-key <field>',
      "the field (dotted path, e.g. user.id) whose value is the partition key (default: 'page' " +
        'for generated events, a random UUID per record for JSON Lines)',
    )
    .option('--concurrency <n>', 'PutRecords calls in flight', wholeNumber(1, 64), 4)
    .option(
      '--max-attempts <n>',
      'attempts per record before it counts as failed',
      wholeNumber(1, 100),
      10,
    )
    .option(
      '--create-shards <n>',
      'create the stream with N shards if it does not exist',
      wholeNumber(1, 10_000),
    )
    .addHelpText('after', MORE_HELP)
    .action(async (options: SendOptions, command: Command) => {
      for (const name of ['keys', 'seed'] as const) {
        if (options.generate === undefined && command.getOptionValueSource(name) === 'cli') {
          throw new UsageError(`--${name} applies only with --generate`);
        }
      }
      const inputs = await openInputs(options, out);
      const config = resolveConfig(process.env);
      // The sender does its own retrying; the SDK's would retry whole requests behind its back.
      const client = createKinesisClient(config.kinesis, { maxAttempts: 1 });
      const admin = createKinesisClient(config.kinesis);
      try {
        await requireStream(admin, options, out);
        // A problem line first wipes the progress line it would otherwise run into.
        const problems = new ProblemLog({
          ...out,
          error: (line) => {
            if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
            out.error(line);
          },
        });
        const sender = new KinesisSender({
          put: putRecordsCall(client, options.stream),
          concurrency: options.concurrency,
          maxAttempts: options.maxAttempts,
          onFailed: (record, reason) => problems.report(`${record.ref}: not sent: ${reason}`),
        });
        const started = Date.now();
        const stopProgress = startProgress(process.stderr, () => sender.counts, options.generate);
        const summary = await sendRecords(
          options.rate ? paced(inputs, options.rate) : inputs,
          sender,
          {
            keyField: options.partitionKey ?? (options.generate ? 'page' : undefined),
            onInvalid: (error) => problems.report(error.message),
          },
        ).finally(stopProgress);
        problems.finish();
        const elapsedMs = Date.now() - started;
        out.info(summaryLine(options.stream, summary, elapsedMs));
        out.result({ stream: options.stream, ...summary, elapsedMs });
        if (summary.failed > 0 || summary.invalid > 0) {
          throw new ExitStatus(1, `${summary.failed} failed, ${summary.invalid} invalid`);
        }
      } finally {
        client.destroy();
        admin.destroy();
      }
    });
}

async function openInputs(
  options: SendOptions,
  out: CommandOutput,
): Promise<Iterable<RecordInput> | AsyncIterable<RecordInput>> {
  if (options.generate !== undefined) {
    const events = generatePageViews({
      count: options.generate,
      keys: options.keys,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    return valueInputs(events, (event) => `event ${event.id}`);
  }
  if (options.file === undefined || options.file === '-') {
    if (process.stdin.isTTY) out.error('Reading JSON Lines from stdin (end with Ctrl-D)');
    return jsonLinesInputs(readLines(process.stdin));
  }
  const file = options.file;
  await access(file).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--file: cannot read '${file}' (${error.code ?? error.message})`);
  });
  return jsonLinesInputs(readLines(createReadStream(file)));
}

async function requireStream(client: KinesisClient, options: SendOptions, out: CommandOutput) {
  if (options.createShards !== undefined) {
    const outcome = await ensureStream(client, options.stream, options.createShards);
    if (outcome === 'created') {
      out.error(`Created stream ${options.stream} with ${options.createShards} shard(s)`);
    }
  } else if (!(await streamExists(client, options.stream))) {
    out.error(
      `Stream '${options.stream}' does not exist. Create it with --create-shards N, or start ` +
        "its pipeline with 'cassflow run', which creates the pipeline's stream.",
    );
    throw new ExitStatus(1, `no stream ${options.stream}`);
  }
}
