import { ConfigError } from '#lib/config/errors';
import { PipelineSpecError } from '#lib/pipeline/errors';
import { QueryError } from '#lib/query/read-windows';
import { localCommand } from './commands/local.ts';
import { queryCommand } from './commands/query.ts';
import { schemaCommand } from './commands/schema.ts';
import { smokeCommand } from './commands/smoke.ts';
import { HELP } from './help.ts';
import { type Output, UsageError } from './output.ts';

const COMMANDS: Record<string, (args: string[], out: Output) => Promise<number>> = {
  local: localCommand,
  query: queryCommand,
  schema: schemaCommand,
  smoke: smokeCommand,
};

/** Runs one `cassflow` command line; resolves the process exit code. */
export async function main(argv: string[], out: Output = consoleOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.info(HELP);
    return 0;
  }
  if (name === '--version') {
    out.info('cassflow 0.1.0');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.error(`Unknown command '${name}'. Run 'cassflow --help' for the list.`);
    return 2;
  }
  try {
    return await command(rest, out);
  } catch (error) {
    if (error instanceof UsageError) {
      out.error(`${error.message}\nRun 'cassflow --help' for usage.`);
      return 2;
    }
    if (error instanceof PipelineSpecError || error instanceof QueryError) {
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
}

const consoleOutput: Output = {
  info: (line) => console.log(line),
  error: (line) => console.error(line),
};
