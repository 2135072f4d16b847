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
