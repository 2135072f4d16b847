import type { SinkPipeline } from '../pipeline/sink-spec.ts';

/**
 * Amazon Keyspaces' key quotas (https://docs.aws.amazon.com/keyspaces/latest/devguide/quotas.html):
 * a partition key of at most 2,048 bytes with up to 3 bytes of metadata a column, clustering
 * columns of at most 850 bytes together with up to 4 each. Sinks keep to them on Cassandra too,
 * so a pipeline behaves the same on both; and Cassandra refuses an empty partition key.
 */
const PARTITION_KEY_BYTES = 2048;
const PARTITION_COLUMN_METADATA = 3;
const CLUSTERING_KEY_BYTES = 850;
const CLUSTERING_COLUMN_METADATA = 4;

const FIXED_BYTES: Readonly<Record<string, number>> = {
  int: 4,
  bigint: 8,
  float: 4,
  double: 8,
  boolean: 1,
  timestamp: 8,
  uuid: 16,
};

/** Bytes a key value takes as stored: UTF-8 text, a varint's two's complement, or its fixed size. */
function keyValueBytes(type: string | undefined, value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'bigint' && type === 'varint') {
    const magnitude = value < 0n ? -value - 1n : value;
    return Math.ceil((magnitude.toString(2).length + 1) / 8);
  }
  return FIXED_BYTES[type ?? ''] ?? String(value).length;
}

/**
 * Why a row's key cannot be stored (an empty single-column partition key, or a key over the
 * quotas), naming the column to blame; undefined when it fits.
 */
export function keyProblem(
  pipeline: SinkPipeline,
  byName: ReadonlyMap<string, unknown>,
): { column: string; reason: string } | undefined {
  const typeOf = new Map(pipeline.columns.map((c) => [c.name, c.type as string]));
  const valueBytes = (column: string) => keyValueBytes(typeOf.get(column), byName.get(column));
  const [only] = pipeline.partitionKey;
  if (pipeline.partitionKey.length === 1 && only !== undefined) {
    if (valueBytes(only) === 0) {
      return { column: only, reason: `is empty: a partition key may not be (column ${only})` };
    }
  }
  const over = (columns: readonly string[], metadata: number, limit: number, what: string) => {
    if (columns.length === 0) return undefined;
    const sizes = columns.map(valueBytes);
    const bytes = sizes.reduce((a, b) => a + b + metadata, 0);
    if (bytes <= limit) return undefined;
    const largest = columns[sizes.indexOf(Math.max(...sizes))] as string;
    return {
      column: largest,
      reason: `makes the ${what} ${bytes} bytes, over the ${limit} Amazon Keyspaces allows (column ${largest})`,
    };
  };
  return (
    over(pipeline.partitionKey, PARTITION_COLUMN_METADATA, PARTITION_KEY_BYTES, 'partition key') ??
    over(pipeline.clusteringKey, CLUSTERING_COLUMN_METADATA, CLUSTERING_KEY_BYTES, 'clustering key')
  );
}
