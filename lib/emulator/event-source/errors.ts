/** Event-source settings outside what Lambda accepts. */
export class EventSourceSettingsError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`Invalid event-source settings:\n  ${issues.join('\n  ')}`);
    this.name = 'EventSourceSettingsError';
    this.issues = issues;
  }
}

/** The handler ran past the function's timeout. */
export class InvocationTimeoutError extends Error {
  constructor(seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
    this.name = 'InvocationTimeoutError';
  }
}

/** Another runtime moved a shard's checkpoint: two consumers must not share a mapping. */
export class CheckpointConflictError extends Error {
  constructor(mapping: string, shardId: string) {
    super(
      `the checkpoint of ${shardId} for ${mapping} was moved by someone else; ` +
        'is another cassflow runtime consuming the same stream with the same function?',
    );
    this.name = 'CheckpointConflictError';
  }
}
