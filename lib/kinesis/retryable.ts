/** Per-record error codes of a PutRecords answer that a later attempt may get through. */
const RETRYABLE_RECORD_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'InternalFailure',
]);

/** Errors of a whole request that mean "too much, too fast" or "try again". */
const RETRYABLE_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalFailure',
  'InternalFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
]);

/** Connection drops worth another try; a refused connection (nothing listening) is not. */
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

/** True when a record's ErrorCode is worth sending the record again. */
export function isRetryableRecordCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_RECORD_CODES.has(code);
}

type SdkLikeError = {
  name?: string;
  code?: string;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
};

/**
 * True when a failed PutRecords call as a whole should be sent again after a wait. A call whose
 * answer was lost (a dropped connection) may have been written, so its records can then arrive
 * twice: like every Kinesis producer, sending is at-least-once.
 */
export function isRetryableRequestError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkLikeError;
  if (e.name && RETRYABLE_ERROR_NAMES.has(e.name)) return true;
  if (e.code && RETRYABLE_NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable?.throttling) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
