/**
 * Ends a command with a non-zero exit code after the command has already said why. Commander
 * ignores what an action returns, so the code travels back to `main` as this throwable.
 */
export class ExitStatus extends Error {
  readonly code: number;

  constructor(code: number, message = `exit status ${code}`) {
    super(message);
    this.name = 'ExitStatus';
    this.code = code;
  }
}
