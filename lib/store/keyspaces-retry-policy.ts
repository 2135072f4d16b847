import cassandra from 'cassandra-driver';

type Consistency = cassandra.types.consistencies;
type OperationInfo = cassandra.policies.retry.OperationInfo;
type DecisionInfo = cassandra.policies.retry.DecisionInfo;

/**
 * Amazon Keyspaces reports exhausted capacity as read/write timeouts and "unavailable". Those
 * are worth retrying on the same connection a few times, but only for statements marked
 * idempotent (cassflow marks its fenced, versioned writes so).
 */
export class KeyspacesRetryPolicy extends cassandra.policies.retry.RetryPolicy {
  readonly #maxRetries: number;

  constructor(maxRetries = 3) {
    super();
    this.#maxRetries = maxRetries;
  }

  #decide(info: OperationInfo, consistency: Consistency): DecisionInfo {
    const idempotent = info.executionOptions.isIdempotent();
    return idempotent && info.nbRetry < this.#maxRetries
      ? this.retryResult(consistency, true)
      : this.rethrowResult();
  }

  override onReadTimeout(
    info: OperationInfo,
    consistency: Consistency,
    _received?: number,
    _blockFor?: number,
    _isDataPresent?: boolean,
  ): DecisionInfo {
    return this.#decide(info, consistency);
  }

  override onWriteTimeout(
    info: OperationInfo,
    consistency: Consistency,
    _received?: number,
    _blockFor?: number,
    _writeType?: string,
  ): DecisionInfo {
    return this.#decide(info, consistency);
  }

  override onUnavailable(
    info: OperationInfo,
    consistency: Consistency,
    _required?: number,
    _alive?: boolean,
  ): DecisionInfo {
    return this.#decide(info, consistency);
  }
}
