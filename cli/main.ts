import { Command, CommanderError } from 'commander';
import { ConfigError } from '#lib/config/errors';
import { PipelineSpecError } from '#lib/pipeline/errors';
import { QueryError } from '#lib/query/read-windows';
import { UnsupportedTypeError } from '#lib/sync/column-type';
import { SyncSourceError } from '#lib/sync/table-schema';
import packageJson from '../package.json' with { type: 'json' };
import { deadLettersCommand } from './commands/dead-letters.ts';
import { demoCommand } from './commands/demo.ts';
import { initCommand } from './commands/init.ts';
import { localCommand } from './commands/local.ts';
import { queryCommand } from './commands/query.ts';
import { runCommand } from './commands/run.ts';
import { schemaCommand } from './commands/schema.ts';
import { sendCommand } from './commands/send.ts';
import { smokeCommand } from './commands/smoke.ts';
import { syncCommand } from './commands/sync.ts';
import { ENV_HELP } from './env-help.ts';
import { ExitStatus } from './exit-status.ts';
import { type Output, UsageError } from './output.ts';
import { printableOutput } from './printable.ts';
import { applySettings, commandPath } from './settings.ts';

/** Every command, in the order `cassflow --help` lists them; a new command is one line here. */
const COMMANDS: readonly ((out: Output) => Command)[] = [
  initCommand,
  demoCommand,
  localCommand,
  runCommand,
  sendCommand,
  queryCommand,
  deadLettersCommand,
  syncCommand,
  schemaCommand,
  smokeCommand,
];

/**
 * Runs one `cassflow` command line and resolves the process exit code: 0 when it went well, 2
 * for a usage, pipeline, query or configuration error, 1 for anything else (or what the command
 * chose). It never exits the process itself.
 */
export async function main(argv: string[], out: Output = consoleOutput): Promise<number> {
  const program = new Command('cassflow')
    .description(
      'Keyed, windowed stream processing on AWS Lambda with exactly-once state in Apache ' +
        'Cassandra or Amazon Keyspaces.',
    )
    .version(`cassflow ${packageJson.version}`, '-V, --version', 'show the version')
    .addHelpText('after', ENV_HELP);
  for (const command of COMMANDS) program.addCommand(command(out));
  applySettings(program, out);
  // The command whose action runs, so a usage error found there points at its --help.
  let running = program;
  program.hook('preAction', (_, command) => {
    running = command;
  });
  try {
    // Bare `cassflow` is a request for help, not a mistake.
    await program.parseAsync(argv.length === 0 ? ['--help'] : argv, { from: 'user' });
    return 0;
  } catch (error) {
    return exitCode(error, out, running);
  }
}

function exitCode(error: unknown, out: Output, running: Command): number {
  // Commander has already printed its message (or the help); exit code 0 is help or version.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof ExitStatus) return error.code;
  if (error instanceof UsageError) {
    out.error(`error: ${error.message}\nRun '${commandPath(running)} --help' for usage.`);
    return 2;
  }
  if (
    error instanceof PipelineSpecError ||
    error instanceof QueryError ||
    error instanceof SyncSourceError ||
    error instanceof UnsupportedTypeError
  ) {
    out.error(error.message);
    return 2;
  }
  if (error instanceof ConfigError) {
    out.error(`Configuration error: ${error.message}`);
    return 2;
  }
  out.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  return 1;
}

const consoleOutput: Output = printableOutput(console);
