import type { StatementShape } from './statement.ts';
import { sourceBytes, sourceValues } from './value-size.ts';

const GUIDE = 'https://docs.aws.amazon.com/keyspaces/latest/devguide';

/**
 * A table's primary key, as the driver's metadata gives it, and its default TTL (0: TTL is off,
 * as cassflow turns it on only through a default).
 */
export type TableKeys = { partition: string[]; clustering: string[]; defaultTtl: number };

/** What a rule sees of one statement. */
export type StatementCheck = {
  shape: StatementShape;
  params: readonly unknown[];
  /** The statement's table key, when the table is known. */
  keys?: TableKeys;
  /** The request's consistency level (the driver's numeric code). */
  consistency: number;
  /** Set when the statement is part of a batch. */
  batch?: { logged: boolean; size: number };
};

export type KeyspacesRule = {
  id: string;
  /** The rule as Keyspaces documents it. */
  rule: string;
  source: string;
  /** The refusal's message, or undefined when the statement keeps the rule. */
  check: (statement: StatementCheck) => string | undefined;
};

// The driver's consistency codes (cassandra.types.consistencies).
const LOCAL_QUORUM = 6;
const READ_LEVELS = new Map([
  [1, 'ONE'],
  [6, 'LOCAL_QUORUM'],
  [10, 'LOCAL_ONE'],
]);
const LEVEL_NAMES = [
  'ANY',
  'ONE',
  'TWO',
  'THREE',
  'QUORUM',
  'ALL',
  'LOCAL_QUORUM',
  'EACH_QUORUM',
  'SERIAL',
  'LOCAL_SERIAL',
  'LOCAL_ONE',
];

const isWrite = (s: StatementShape) =>
  s.kind === 'insert' || s.kind === 'update' || s.kind === 'delete';

/** Bytes of a key's columns as the quotas count them: data plus per-column metadata. */
function keyBytes(check: StatementCheck, columns: string[], metadata: number): number | undefined {
  const { shape, params } = check;
  let sum = 0;
  for (const column of columns) {
    const written = shape.writes.find((w) => w.column === column)?.value;
    const related = shape.relations.find(
      (r) => !r.token && r.operator === '=' && r.columns.length === 1 && r.columns[0] === column,
    )?.value;
    const source = written ?? related;
    if (!source) return undefined;
    sum += sourceBytes(source, params) + metadata;
  }
  return sum;
}

/** A key quota: the key's columns with `metadata` bytes each may take `limit` bytes together. */
function keySizeRule(
  id: string,
  part: 'partition' | 'clustering',
  what: string,
  limit: number,
  metadata: number,
): KeyspacesRule {
  const each = part === 'partition' ? 'per column' : 'each';
  return {
    id,
    rule: `${what} take at most ${limit.toLocaleString('en-US')} bytes together, with up to ${metadata} bytes of metadata ${each}`,
    source: `${GUIDE}/quotas.html`,
    check: (check) => {
      const columns = check.keys?.[part] ?? [];
      if (!isWrite(check.shape) || columns.length === 0) return undefined;
      const bytes = keyBytes(check, columns, metadata);
      return bytes !== undefined && bytes > limit
        ? `${what} of ${bytes} bytes exceed the maximum of ${limit} bytes`
        : undefined;
    },
  };
}

/**
 * What Amazon Keyspaces refuses that Apache Cassandra takes, each from the page that says so.
 * The guard applies them in this order and refuses with the first that fails.
 */
export const KEYSPACES_RULES: readonly KeyspacesRule[] = [
  {
    id: 'distinct',
    rule: 'SELECT takes no DISTINCT: the SELECT grammar has none',
    source: `${GUIDE}/cql.dml.select.html`,
    check: ({ shape }) => (shape.distinct ? 'SELECT DISTINCT is not supported' : undefined),
  },
  {
    id: 'aggregate',
    rule: 'No aggregate functions (count, sum, min, max, avg) in SELECT',
    source: `${GUIDE}/cassandra-apis.html#cassandra-functions`,
    check: ({ shape }) =>
      shape.aggregate ? `${shape.aggregate} is not yet supported.` : undefined,
  },
  {
    id: 'multi-column-relation',
    rule: 'Relations name one column each: the grammar has no tuple relations such as (a, b) >= (?, ?)',
    source: `${GUIDE}/cql.dml.select.html`,
    check: ({ shape }) =>
      shape.relations.some((r) => r.columns.length > 1 && !r.token)
        ? 'Multi-column relations are not supported'
        : undefined,
  },
  {
    id: 'unsupported-statement',
    rule: 'No TRUNCATE, secondary indexes, materialized views, triggers, functions or aggregates',
    source: `${GUIDE}/cassandra-apis.html`,
    check: ({ shape }) =>
      shape.unsupported ? `${shape.unsupported} is not supported by Amazon Keyspaces` : undefined,
  },
  {
    id: 'write-consistency',
    rule: 'Writes run at LOCAL_QUORUM only',
    source: `${GUIDE}/consistency.html`,
    check: ({ shape, consistency }) =>
      isWrite(shape) && consistency !== LOCAL_QUORUM
        ? `Consistency level ${LEVEL_NAMES[consistency]} is not supported for writes; use LOCAL_QUORUM`
        : undefined,
  },
  {
    id: 'read-consistency',
    rule: 'Reads run at ONE, LOCAL_ONE or LOCAL_QUORUM (no SERIAL or LOCAL_SERIAL reads)',
    source: `${GUIDE}/consistency.html`,
    check: ({ shape, consistency }) =>
      shape.kind === 'select' && !READ_LEVELS.has(consistency)
        ? `Consistency level ${LEVEL_NAMES[consistency]} is not supported for reads`
        : undefined,
  },
  {
    id: 'conditional-batch',
    rule: 'Batches take no lightweight transactions (IF clauses)',
    source: `${GUIDE}/functional-differences.html#functional-differences.batch`,
    check: ({ shape, batch }) =>
      batch && shape.conditional
        ? 'Conditional statements are not supported in batches'
        : undefined,
  },
  {
    id: 'batch-size',
    rule: 'At most 30 statements in an unlogged batch, 100 in a logged one',
    source: `${GUIDE}/quotas.html`,
    check: ({ batch }) => {
      const limit = batch?.logged ? 100 : 30;
      return batch && batch.size > limit
        ? `Batch of ${batch.size} statements exceeds the quota of ${limit} for ${batch.logged ? 'logged' : 'unlogged'} batches`
        : undefined;
    },
  },
  {
    id: 'in-on-write',
    rule: 'IN is not allowed in UPDATE or DELETE',
    source: `${GUIDE}/functional-differences.html`,
    check: ({ shape }) =>
      isWrite(shape) && shape.relations.some((r) => r.operator === 'IN')
        ? 'IN restrictions are not supported in UPDATE and DELETE statements'
        : undefined,
  },
  {
    id: 'in-values',
    rule: 'At most 100 values in an IN restriction',
    source: `${GUIDE}/quotas.html`,
    check: ({ shape, params }) => {
      const over = shape.relations
        .filter((r) => r.operator === 'IN')
        .map((r) => sourceValues(r.value, params).length)
        .find((n) => n > 100);
      return over ? `IN restriction of ${over} values exceeds the quota of 100` : undefined;
    },
  },
  {
    id: 'token-with-in',
    rule: 'token() cannot be combined with IN',
    source: `${GUIDE}/functional-differences.html`,
    check: ({ shape }) =>
      shape.relations.some((r) => r.token) && shape.relations.some((r) => r.operator === 'IN')
        ? 'TOKEN restrictions cannot be combined with IN'
        : undefined,
  },
  {
    id: 'using-timestamp',
    rule: 'USING TIMESTAMP needs client-side timestamps, which cassflow never turns on',
    source: `${GUIDE}/client-side-timestamps.html`,
    check: ({ shape }) =>
      shape.usingTimestamp
        ? 'USING TIMESTAMP is not allowed: client-side timestamps are not enabled on this table'
        : undefined,
  },
  {
    id: 'ttl-off',
    rule: 'USING TTL needs TTL turned on for the table (a default TTL, or the ttl custom property)',
    source: `${GUIDE}/TTL-how-it-works.html`,
    check: ({ shape, keys }) =>
      shape.usingTtl && isWrite(shape) && keys?.defaultTtl === 0
        ? 'USING TTL is not allowed: TTL is not enabled on this table'
        : undefined,
  },
  keySizeRule('partition-key-size', 'partition', 'The partition key', 2048, 3),
  keySizeRule('clustering-key-size', 'clustering', 'The clustering columns', 850, 4),
  {
    id: 'row-size',
    rule: 'A row takes at most 1 MB',
    source: `${GUIDE}/quotas.html`,
    check: ({ shape, params }) => {
      if (shape.kind !== 'insert' && shape.kind !== 'update') return undefined;
      const bytes = shape.writes.reduce((sum, w) => sum + sourceBytes(w.value, params), 0);
      return bytes > 1024 * 1024
        ? `The row of ${bytes} bytes exceeds the maximum row size of 1048576 bytes`
        : undefined;
    },
  },
];

/** The first rule the statement breaks, with the message Keyspaces would refuse it with. */
export function brokenRule(
  statement: StatementCheck,
): { rule: KeyspacesRule; message: string } | undefined {
  for (const rule of KEYSPACES_RULES) {
    const message = rule.check(statement);
    if (message) return { rule, message };
  }
  return undefined;
}
