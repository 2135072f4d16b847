/** An error Kinesis answers with: its type (the `__type` clients match on) and message. */
export class KinesisApiError extends Error {
  readonly type: string;
  readonly status: number;

  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = 'KinesisApiError';
    this.type = type;
    this.status = status;
  }
}

export const invalidArgument = (message: string) =>
  new KinesisApiError('InvalidArgumentException', message);

export const validationError = (field: string, constraint: string) =>
  new KinesisApiError(
    'ValidationException',
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${constraint}`,
  );
