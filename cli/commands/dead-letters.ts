import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { Command } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { createKinesisClient } from '#lib/kinesis/client';
import type { AnyPipeline } from '#lib/pipeline/any-pipeline';
import { loadPipeline } from '#lib/pipeline-file/load-pipeline';
import { replayDeadLetters } from '#lib/replay/replay-dead-letters';
import { streamSender } from '#lib/replay/stream-sender';
import { type DeadLetter, deadLetterAt, deadLettersBetween } from '#lib/store/dead-letter-rows';
import { type CassandraSession, createSession, pipelineCassandra } from '#lib/store/session';
import { EXAMPLE_PIPELINES } from '../../examples/index.ts';
import {
  countsByField,
  deadLetterDetail,
  deadLetterIdText,
  deadLetterJson,
  deadLetterLine,
  parseDeadLetterId,
} from '../format-dead-letters.ts';
import { wholeNumber } from '../option-values.ts';
import { type CommandOutput, UsageError } from '../output.ts';
import { parseTimeArg } from '../time-arg.ts';

type Selection = { since: number; until: number; field?: string; reason?: string; id?: string[] };

const PIPELINE_HELP =
  'the pipeline: an example name (page_views, page_view_log) or a module path such as ./my-pipeline.ts';

function withSelection(command: Command): Command {
  return command
    .requiredOption('--pipeline <name>', PIPELINE_HELP)
    .option('--since <time>', 'arrived at or after (default: -24h)', (v) => parseTimeArg(v))
    .option('--until <time>', 'arrived before (default: now)', (v) => parseTimeArg(v))
    .option('--field <field>', 'only those rejected for this field, e.g. at or (record)')
    .option('--reason <text>', 'only those whose reason contains this text');
}

/** The selected dead letters, read hour partition by hour partition. */
async function* selected(
  session: CassandraSession,
  pipeline: AnyPipeline,
  options: Partial<Selection>,
): AsyncGenerator<DeadLetter> {
  if (options.id !== undefined) {
    // Every id is checked before any is used: a typo must not stop a replay half done.
    const ids = options.id.map((text) => {
      const id = parseDeadLetterId(pipeline.name, text);
      if (!id) throw new UsageError(`${text} is not a dead-letter id (hour/shard/sequence)`);
      return { text, id };
    });
    for (const { text, id } of ids) {
      const letter = await deadLetterAt(session, id);
      if (!letter) throw new UsageError(`no dead letter ${text} in pipeline ${pipeline.name}`);
      yield letter;
    }
    return;
  }
  const until = options.until ?? Date.now();
  const since = options.since ?? until - 86_400_000;
  if (since >= until) throw new UsageError('--since must be before --until');
  for await (const letter of deadLettersBetween(session, pipeline.name, since, until)) {
    if (options.field !== undefined && letter.field !== options.field) continue;
    if (options.reason !== undefined && !letter.reason.includes(options.reason)) continue;
    yield letter;
  }
}

async function withPipelineSession<T>(
  ref: string,
  run: (session: CassandraSession, pipeline: AnyPipeline) => Promise<T>,
): Promise<T> {
  const pipeline = await loadPipeline(ref, EXAMPLE_PIPELINES);
  const session = createSession(pipelineCassandra(resolveConfig(process.env).cassandra, pipeline));
  try {
    return await run(session, pipeline);
  } finally {
    await session.shutdown();
  }
}

function listCommand(out: CommandOutput): Command {
  return withSelection(new Command('list'))
    .summary('list dead letters with their reasons, and counts by field')
    .option('--limit <n>', 'print at most this many (all are counted)', wholeNumber(1), 50)
    .option('--json', 'print JSON lines instead of a table')
    .action(async (options: Selection & { pipeline: string; limit: number; json?: boolean }) => {
      await withPipelineSession(options.pipeline, async (session, pipeline) => {
        const limit = options.limit;
        const byField = new Map<string, number>();
        let total = 0;
        for await (const letter of selected(session, pipeline, options)) {
          total += 1;
          byField.set(letter.field, (byField.get(letter.field) ?? 0) + 1);
          if (total > limit) continue;
          if (out.json) out.result(deadLetterJson(letter, false));
          else out.info(deadLetterLine(letter));
        }
        const more = total > limit ? ` (${limit} shown; --limit for more)` : '';
        out.error(`${total} dead letter(s) of pipeline ${pipeline.name}${more}`);
        if (total > 0) out.error(`by field: ${countsByField(byField)}`);
      });
    });
}

function showCommand(out: CommandOutput): Command {
  return new Command('show')
    .summary('show one dead letter with its raw bytes')
    .argument('<id>', 'its id as list prints it: hour/shard/sequence')
    .requiredOption('--pipeline <name>', PIPELINE_HELP)
    .option('--json', 'print it as JSON, raw bytes in base64')
    .option('--raw', 'write only its raw bytes, exactly as kept, to stdout')
    .action(async (id: string, options: { pipeline: string; json?: boolean; raw?: boolean }) => {
      await withPipelineSession(options.pipeline, async (session, pipeline) => {
        for await (const letter of selected(session, pipeline, { id: [id] })) {
          if (options.raw) process.stdout.write(letter.raw);
          else if (out.json) out.result(deadLetterJson(letter, true));
          else for (const line of deadLetterDetail(letter)) out.info(line);
        }
      });
    });
}

function replayCommand(out: CommandOutput): Command {
  return withSelection(new Command('replay'))
    .summary("send dead letters back into the pipeline's stream, each at most once")
    .option('--id <id...>', 'replay these (ids as list prints them) instead of a time range')
    .option('--dry-run', 'only list what would be replayed')
    .option(
      '--retry-in-doubt',
      'also replay those in doubt (claimed by a replay that never confirmed): check first that they are not in the stream',
    )
    .addHelpText(
      'after',
      `
Replay after the producer or the pipeline is fixed. Each dead letter is claimed with a
compare-and-set before it is sent and marked with where it went, so replaying the same
selection twice sends nothing the second time. A send that timed out leaves its dead letter
"in doubt" (it may be in the stream): check the stream, and if it is not there, replay it
again with --retry-in-doubt (--id picks it alone).
Records whose raw bytes were cut (deadLetters.maxRawBytes) cannot be replayed from here.`,
    )
    .action(
      async (
        options: Selection & { pipeline: string; dryRun?: boolean; retryInDoubt?: boolean },
      ) => {
        await withPipelineSession(options.pipeline, async (session, pipeline) => {
          const letters = selected(session, pipeline, options);
          if (options.dryRun) {
            let n = 0;
            for await (const letter of letters) {
              n += 1;
              out.info(deadLetterLine(letter));
              out.result(deadLetterJson(letter, false));
            }
            out.error(`${n} dead letter(s) selected; nothing sent (--dry-run)`);
            return;
          }
          const config = resolveConfig(process.env);
          const client = createKinesisClient(config.kinesis, { maxAttempts: 1 });
          try {
            const report = await replayDeadLetters(letters, {
              session,
              send: streamSender(client, pipeline.stream),
              by: `${whoReplays()} ${randomUUID()}`,
              retryInDoubt: options.retryInDoubt === true,
              onLetter: (letter, fate, why) => {
                out.info(`${deadLetterIdText(letter)}\t${fate}${why ? `\t${why}` : ''}`);
                out.result({ id: deadLetterIdText(letter), fate, ...(why ? { why } : {}) });
              },
            });
            out.error(
              `replayed ${report.replayed} into ${pipeline.stream}; already replayed ` +
                `${report['already-replayed']}; in doubt ${report['in-doubt']}; cut ${report.cut}; ` +
                `failed ${report.failed}`,
            );
          } finally {
            client.destroy();
          }
        });
      },
    );
}

/** Who replays, for the claim: user@host, or the host alone where there is no user entry. */
function whoReplays(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return hostname();
  }
}

/** `cassflow dead-letters list|show|replay`: the records a pipeline could not use. */
export function deadLettersCommand(out: CommandOutput): Command {
  return new Command('dead-letters')
    .summary('list, show and replay the records a pipeline could not use')
    .description(
      'Records a pipeline could not use (bad JSON, a missing field, a time out of bounds) are ' +
        'kept with their reason in the dead-letter table for deadLetters.keep (14 days unless ' +
        'set). List them, show one with its raw bytes, or replay them once fixed.',
    )
    .addCommand(listCommand(out))
    .addCommand(showCommand(out))
    .addCommand(replayCommand(out));
}
