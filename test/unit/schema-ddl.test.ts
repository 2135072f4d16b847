import { describe, expect, it } from 'vitest';
import { CORE_TABLES, SHARD_CHECKPOINTS } from '#lib/store/schema/core-tables';
import { createKeyspaceCql, createTableCql } from '#lib/store/schema/ddl';
import { type TableSpec, TableSpecError, validateTableSpec } from '#lib/store/schema/table-spec';

describe('createKeyspaceCql', () => {
  it('uses SimpleStrategy with the replication factor on Cassandra', () => {
    expect(createKeyspaceCql({ kind: 'cassandra', keyspace: 'app', replicationFactor: 3 })).toBe(
      "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
    );
  });

  it('uses SingleRegionStrategy on Amazon Keyspaces', () => {
    expect(createKeyspaceCql({ kind: 'keyspaces', keyspace: 'app' })).toBe(
      "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'SingleRegionStrategy'}",
    );
  });
});

describe('createTableCql', () => {
  it('renders keys, clustering order and comment', () => {
    expect(createTableCql('ks', SHARD_CHECKPOINTS)).toBe(
      [
        'CREATE TABLE IF NOT EXISTS ks.shard_checkpoints (',
        '  consumer text,',
        '  stream text,',
        '  shard_id text,',
        '  sequence_number varint,',
        '  records bigint,',
        '  version bigint,',
        '  updated_at timestamp,',
        '  PRIMARY KEY ((consumer, stream), shard_id)',
        ") WITH CLUSTERING ORDER BY (shard_id ASC) AND comment = 'cassflow: per-shard position of each stream consumer'",
      ].join('\n'),
    );
  });

  it('renders a table without clustering columns and escapes quotes in comments', () => {
    const spec: TableSpec = {
      name: 'plain',
      partitionKey: [{ name: 'id', type: 'uuid' }],
      clusteringKey: [],
      columns: [{ name: 'tags', type: 'set<text>' }],
      comment: "it's plain",
    };
    expect(createTableCql('ks', spec)).toBe(
      [
        'CREATE TABLE IF NOT EXISTS ks.plain (',
        '  id uuid,',
        '  tags set<text>,',
        '  PRIMARY KEY ((id))',
        ") WITH comment = 'it''s plain'",
      ].join('\n'),
    );
  });

  it('renders every core table', () => {
    for (const table of CORE_TABLES) {
      expect(createTableCql('ks', table)).toMatch(
        new RegExp(`^CREATE TABLE IF NOT EXISTS ks\\.${table.name} \\(`),
      );
    }
  });
});

describe('validateTableSpec', () => {
  const base: TableSpec = {
    name: 'events',
    partitionKey: [{ name: 'id', type: 'text' }],
    clusteringKey: [],
    columns: [],
    comment: '',
  };

  it.each([
    [{ ...base, name: 'Events' }, /table Events: name 'Events' has capitals/],
    [{ ...base, name: 'token' }, /table token: name 'token' is a reserved CQL word/],
    [{ ...base, partitionKey: [] }, /table events: needs at least one partition key/],
    [{ ...base, columns: [{ name: 'id', type: 'text' }] }, /column 'id' is declared twice/],
    [
      { ...base, columns: [{ name: 'bad-name', type: 'text' }] },
      /column 'bad-name' must be lowercase letters/,
    ],
    [{ ...base, columns: [{ name: 'n', type: 'number' }] }, /column 'n' has unknown type 'number'/],
    [
      { ...base, partitionKey: [{ name: 'tags', type: 'set<text>' }] },
      /key column 'tags' cannot be a collection/,
    ],
  ] as [TableSpec, RegExp][])('rejects %#', (spec, message) => {
    expect(() => validateTableSpec(spec)).toThrow(TableSpecError);
    expect(() => validateTableSpec(spec)).toThrow(message);
  });
});
