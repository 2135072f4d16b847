/** Where commands write: the console, or a collector in tests. */
export type Output = { info(line: string): void; error(line: string): void };

/** The command line itself is wrong (unknown subcommand or flag). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
