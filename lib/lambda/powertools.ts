import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  ScheduledEvent,
} from 'aws-lambda';

export type Observability = { logger?: Logger; metrics?: Metrics };

/** The logger and metrics of a pipeline's function: given ones (tests) or Powertools defaults. */
export function observability(pipeline: string, given: Observability) {
  return {
    logger: given.logger ?? new Logger({ serviceName: `cassflow-${pipeline}` }),
    metrics: given.metrics ?? new Metrics({ namespace: 'cassflow', serviceName: pipeline }),
  };
}

/** Wraps a Kinesis batch handler in middy with Powertools' context logging and metrics flush. */
export function kinesisHandler(
  handle: (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>,
  { logger, metrics }: { logger: Logger; metrics: Metrics },
) {
  return middy<KinesisStreamEvent, KinesisStreamBatchResponse, Error, Context>(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

/** Wraps a scheduled (EventBridge) handler in middy with Powertools' context logging and metrics. */
export function scheduledHandler<R>(
  handle: (event: ScheduledEvent, context: Context) => Promise<R>,
  { logger, metrics }: { logger: Logger; metrics: Metrics },
) {
  return middy<ScheduledEvent, R, Error, Context>(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

/** Lambda's partial batch response: resume at `failedAt`, or nothing to retry. */
export function batchResponse(failedAt?: { sequenceNumber: bigint }): KinesisStreamBatchResponse {
  return {
    batchItemFailures: failedAt ? [{ itemIdentifier: String(failedAt.sequenceNumber) }] : [],
  };
}
