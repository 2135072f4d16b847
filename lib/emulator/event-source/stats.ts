/** Running figures of one event-source mapping, for logs and tests. */
export type MappingStats = {
  /** Records the function processed successfully. */
  records: number;
  invocations: number;
  retries: number;
  bisections: number;
  /** Records given up on (retries exhausted or too old) and described to the destination. */
  discarded: number;
  expired: number;
  shardsEnded: number;
  /** GetRecords calls answered: once one has, the shard's iterator exists (LATEST starts there). */
  polls: number;
};

export function emptyStats(): MappingStats {
  return {
    records: 0,
    invocations: 0,
    retries: 0,
    bisections: 0,
    discarded: 0,
    expired: 0,
    shardsEnded: 0,
    polls: 0,
  };
}
