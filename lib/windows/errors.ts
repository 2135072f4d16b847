/** A window declaration that cannot run; the message names the offending argument. */
export class WindowSpecError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WindowSpecError';
  }
}

/** A time range handed to a window function that is not one of that window's ranges or panes. */
export class WindowRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WindowRangeError';
  }
}
