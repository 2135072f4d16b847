import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A handler called context.done(), fail() or succeed(), which only callback-era runtimes had. */
export class LegacyContextCallError extends Error {
  constructor(method: string) {
    super(
      `context.${method}() is not supported when running locally: ` +
        'return a value from the async handler, or throw, instead.',
    );
    this.name = 'LegacyContextCallError';
  }
}

export interface LocalContextOptions {
  /** The clock the remaining time is read from; Date.now by default. */
  readonly now?: () => number;
  /** Goes into invokedFunctionArn; us-east-1 by default. */
  readonly region?: string;
  readonly accountId?: string;
  readonly memoryLimitInMB?: number;
  /** A fresh UUID by default. */
  readonly awsRequestId?: string;
}

/**
 * A Lambda Context for running a handler in this process, as the Lambda runtime would build it
 * for one invocation. getRemainingTimeInMillis counts down from `timeoutMs` from now; nothing
 * stops the handler when it reaches 0.
 */
export function createLocalContext(
  functionName: string,
  timeoutMs: number,
  options: LocalContextOptions = {},
): Context {
  const now = options.now ?? (() => Date.now());
  const startedAt = now();
  const deadline = startedAt + timeoutMs;
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const legacy = (method: string) => (): never => {
    throw new LegacyContextCallError(method);
  };
  return {
    // Lambda's default: the invocation ends once the event loop is empty.
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 128),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: logStreamName(startedAt),
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: legacy('done'),
    fail: legacy('fail'),
    succeed: legacy('succeed'),
  };
}

/** Lambda's shape: the UTC date, the version and a random hex id. */
function logStreamName(atMs: number): string {
  const date = new Date(atMs).toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[$LATEST]${randomUUID().replaceAll('-', '')}`;
}
