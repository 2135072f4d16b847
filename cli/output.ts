import { jsonText } from '#lib/query/json-text';

/** Where commands write: the console, or a collector in tests. */
export type Output = { info(line: string): void; error(line: string): void };

/**
 * The command line is wrong in a way commander cannot see by itself (options that exclude each
 * other, a file that cannot be read); `main` reports it with exit code 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * What a command writes to. `info` lines are for people; `result` is what the command found or
 * did, for scripts: with `--json` each result is a JSON line on stdout and the lines for people
 * go to stderr, so stdout stays parseable; without it results print nothing (the lines say it).
 */
export type CommandOutput = Output & {
  readonly json: boolean;
  /** A value (printed as JSON, bigints as numbers or text) or a JSON text already made. */
  result(value: unknown): void;
};

/** `out` for commands, switched to JSON when the command being run was given `--json`. */
export function commandOutput(out: Output): CommandOutput & { useJson(on: boolean): void } {
  let json = false;
  return {
    get json() {
      return json;
    },
    useJson: (on) => {
      json = on;
    },
    info: (line) => (json ? out.error(line) : out.info(line)),
    error: (line) => out.error(line),
    result: (value) => {
      if (json) out.info(typeof value === 'string' ? value : jsonText(value));
    },
  };
}
