import { Command, CommanderError } from 'commander';
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
import { topCommand } from './commands/top.ts';
import { uiCommand } from './commands/ui.ts';
import { ENV_HELP } from './env-help.ts';
import { EXIT } from './exit-codes.ts';
import { ExitStatus } from './exit-status.ts';
import { failureOf, formatFailure } from './failure.ts';
import { type CommandOutput, commandOutput, type Output } from './output.ts';
import { printableOutput } from './printable.ts';
import { applySettings } from './settings.ts';

/** Every command, in the order `cassflow --help` lists them; a new command is one line here. */
const COMMANDS: readonly ((out: CommandOutput) => Command)[] = [
  initCommand,
  demoCommand,
  localCommand,
  runCommand,
  topCommand,
  uiCommand,
  sendCommand,
  queryCommand,
  deadLettersCommand,
  syncCommand,
  schemaCommand,
  smokeCommand,
];

/**
 * Runs one `cassflow` command line and resolves the process exit code (cli/exit-codes.ts): 0
 * when it went well, 2 for a usage, pipeline file, pipeline or configuration error, 3 when a
 * server did not answer, 1 for anything else (or what the command chose). With `--json` a
 * failure is printed as one JSON object. It never exits the process itself.
 */
export async function main(argv: string[], out: Output = consoleOutput): Promise<number> {
  const program = new Command('cassflow')
    .description(
      'Keyed, windowed stream processing on AWS Lambda with exactly-once state in Apache ' +
        'Cassandra or Amazon Keyspaces.',
    )
    .version(`cassflow ${packageJson.version}`, '-V, --version', 'show the version')
    .addHelpText('after', ENV_HELP);
  const output = commandOutput(out);
  for (const command of COMMANDS) program.addCommand(command(output));
  withJsonOption(program);
  applySettings(program, out);
  // The command whose action runs, so a usage error found there points at its --help.
  let running = program;
  program.hook('preAction', (_, command) => {
    running = command;
    output.useJson(command.opts().json === true);
  });
  try {
    // Bare `cassflow` is a request for help, not a mistake.
    await program.parseAsync(argv.length === 0 ? ['--help'] : argv, { from: 'user' });
    return 0;
  } catch (error) {
    return exitCode(error, out, running, argv.includes('--json'));
  }
}

function exitCode(error: unknown, out: Output, running: Command, json: boolean): number {
  // Commander has already printed its message (or the help); exit code 0 is help or version.
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return EXIT.ok;
    if (json)
      out.error(
        formatFailure({ exitCode: EXIT.usage, kind: 'usage', message: error.message }, true),
      );
    return EXIT.usage;
  }
  // The command has said why in its own words; a script reading --json gets it as an object.
  if (error instanceof ExitStatus) {
    const kind = error.code === EXIT.unreachable ? 'unreachable' : 'failed';
    if (json)
      out.error(formatFailure({ exitCode: error.code, kind, message: error.message }, true));
    return error.code;
  }
  const failure = failureOf(error, running);
  out.error(formatFailure(failure, json));
  return failure.exitCode;
}

/** Every command that runs gets `--json` (a few say more precisely what it prints). */
function withJsonOption(command: Command): void {
  for (const sub of command.commands) {
    if (sub.commands.length > 0) withJsonOption(sub);
    else if (!sub.options.some((o) => o.long === '--json')) {
      sub.option('--json', 'print the result as JSON lines on stdout (and a failure as JSON)');
    }
  }
}

const consoleOutput: Output = printableOutput(console);
