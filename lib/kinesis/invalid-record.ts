/** An input record that cannot be sent: not JSON, no partition key, or too large. */
export class InvalidRecordError extends Error {
  /** Where it came from: 'line 12', 'event 7'. */
  readonly ref: string;

  constructor(ref: string, reason: string) {
    super(`${ref}: ${reason}`);
    this.name = 'InvalidRecordError';
    this.ref = ref;
  }
}
