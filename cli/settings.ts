import type { Command } from 'commander';
import type { Output } from './output.ts';

/** Commander ends each text with a newline; an Output line gets its own. */
function lines(write: (line: string) => void): (text: string) => void {
  return (text) => write(text.replace(/\n$/, ''));
}

/** 'cassflow local up' for the command `up`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Gives `command` and every command below it cassflow's settings: text goes to `out`, commander
 * throws instead of calling process.exit, and a usage error points at that command's --help.
 * Commander copies settings only into subcommands made with .command() after they were set,
 * so this runs once the whole tree is built.
 */
export function applySettings(command: Command, out: Output): Command {
  command
    .exitOverride()
    .configureOutput({ writeOut: lines(out.info), writeErr: lines(out.error) })
    .showHelpAfterError(`Run '${commandPath(command)} --help' for usage.`);
  for (const sub of command.commands) applySettings(sub, out);
  return command;
}
