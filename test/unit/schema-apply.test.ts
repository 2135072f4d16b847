import { describe, expect, it } from 'vitest';
import { applySchema, type SchemaConnection, SchemaError } from '#lib/store/schema/apply';
import { DEAD_LETTERS, SHARD_CHECKPOINTS } from '#lib/store/schema/core-tables';

type Row = Record<string, unknown>;

/** A stand-in connection that records statements and answers system-table reads by script. */
function scriptedConnection(
  answer: (cql: string, params: unknown[]) => Row[],
  agreed = () => true,
) {
  const statements: string[] = [];
  const connection: SchemaConnection = {
    async run(cql, params = []) {
      statements.push(cql);
      return answer(cql, params);
    },
    async schemaAgreed() {
      return agreed();
    },
  };
  return { connection, statements };
}

describe('applySchema on Amazon Keyspaces', () => {
  it('waits for the keyspace and for each new table to become ACTIVE', async () => {
    // Prepare
    const statuses = ['CREATING', 'CREATING', 'ACTIVE'];
    let keyspaceLookups = 0;
    const { connection, statements } = scriptedConnection((cql) => {
      if (cql.includes('system_schema_mcs.keyspaces')) {
        keyspaceLookups += 1;
        return keyspaceLookups < 2 ? [] : [{ keyspace_name: 'ks' }];
      }
      if (cql.includes('system_schema_mcs.tables')) return [{ status: statuses.shift() }];
      return [];
    });

    // Act
    const result = await applySchema(
      connection,
      { kind: 'keyspaces', keyspace: 'ks' },
      [SHARD_CHECKPOINTS],
      {
        pollMs: 1,
      },
    );

    // Assess
    expect(result).toEqual({ created: ['shard_checkpoints'], existing: [], altered: [] });
    expect(keyspaceLookups).toBe(2);
    expect(statuses).toEqual([]);
    expect(statements[0]).toContain("'class': 'SingleRegionStrategy'");
    expect(
      statements.some((s) => s.startsWith('CREATE TABLE IF NOT EXISTS ks.shard_checkpoints')),
    ).toBe(true);
  });

  it('gives up with a clear error when a table never becomes ACTIVE', async () => {
    const { connection } = scriptedConnection((cql) => {
      if (cql.includes('system_schema_mcs.keyspaces')) return [{ keyspace_name: 'ks' }];
      if (cql.includes('system_schema_mcs.tables')) return [{ status: 'CREATING' }];
      return [];
    });
    await expect(
      applySchema(connection, { kind: 'keyspaces', keyspace: 'ks' }, [SHARD_CHECKPOINTS], {
        pollMs: 1,
        timeoutMs: 20,
      }),
    ).rejects.toThrow(/table ks.shard_checkpoints was not usable after 0.02 s/);
  });
});

describe('applySchema on Cassandra', () => {
  it('waits for schema agreement and leaves existing tables alone', async () => {
    let agreementChecks = 0;
    const { connection, statements } = scriptedConnection(
      (cql) => {
        if (cql.includes('FROM system_schema.tables')) return [{ table_name: 'shard_checkpoints' }];
        if (cql.includes('FROM system_schema.columns')) {
          return [
            'consumer',
            'stream',
            'shard_id',
            'sequence_number',
            'records',
            'version',
            'updated_at',
          ].map((column_name) => ({ column_name }));
        }
        return [];
      },
      () => ++agreementChecks > 1,
    );

    const result = await applySchema(
      connection,
      { kind: 'cassandra', keyspace: 'ks' },
      [SHARD_CHECKPOINTS],
      {
        pollMs: 1,
      },
    );

    expect(result).toEqual({ created: [], existing: ['shard_checkpoints'], altered: [] });
    expect(agreementChecks).toBe(2);
    expect(statements.filter((s) => s.startsWith('CREATE TABLE'))).toEqual([]);
  });

  it('adds the regular columns an existing table lacks, and refuses one that lacks a key column', async () => {
    // Prepare: a table of an earlier version, and one without a key column.
    let columns = ['consumer', 'stream', 'shard_id', 'sequence_number'];
    const { connection, statements } = scriptedConnection((cql) => {
      if (cql.includes('FROM system_schema.tables')) return [{ table_name: 'shard_checkpoints' }];
      if (cql.includes('FROM system_schema.columns')) {
        return columns.map((column_name) => ({ column_name }));
      }
      return [];
    });
    const target = { kind: 'cassandra', keyspace: 'ks' } as const;

    // Act
    const result = await applySchema(connection, target, [SHARD_CHECKPOINTS]);
    columns = ['consumer', 'stream', 'sequence_number', 'records', 'version', 'updated_at'];
    const applying = applySchema(connection, target, [SHARD_CHECKPOINTS]);

    // Assess
    expect(result).toEqual({
      created: [],
      existing: ['shard_checkpoints'],
      altered: ['shard_checkpoints'],
    });
    expect(statements.filter((s) => s.startsWith('ALTER TABLE'))).toEqual([
      'ALTER TABLE ks.shard_checkpoints ADD records bigint',
      'ALTER TABLE ks.shard_checkpoints ADD version bigint',
      'ALTER TABLE ks.shard_checkpoints ADD updated_at timestamp',
    ]);
    await expect(applying).rejects.toBeInstanceOf(SchemaError);
    await expect(applySchema(connection, target, [SHARD_CHECKPOINTS])).rejects.toThrow(
      /ks.shard_checkpoints exists but lacks key column\(s\) shard_id; a key cannot be added/,
    );
  });

  it('turns TTL on for an existing table whose spec has one and that has none, and keeps one already on', async () => {
    // Prepare: dead letters made without a default TTL, checkpoints without one in their spec.
    let ttl = 0;
    const { connection, statements } = scriptedConnection((cql) => {
      if (cql.includes('FROM system_schema.tables')) {
        return [
          { table_name: DEAD_LETTERS.name, default_time_to_live: ttl },
          { table_name: 'shard_checkpoints', default_time_to_live: 0 },
        ];
      }
      if (cql.includes('FROM system_schema.columns')) {
        const all = [DEAD_LETTERS, SHARD_CHECKPOINTS].flatMap((t) => [
          ...t.partitionKey,
          ...t.clusteringKey,
          ...t.columns,
        ]);
        return all.map((c) => ({ column_name: c.name }));
      }
      return [];
    });
    const target = { kind: 'cassandra', keyspace: 'ks' } as const;

    // Act
    const first = await applySchema(connection, target, [DEAD_LETTERS, SHARD_CHECKPOINTS]);
    ttl = 3600;
    const second = await applySchema(connection, target, [DEAD_LETTERS, SHARD_CHECKPOINTS]);

    // Assess
    expect(first.altered).toEqual([DEAD_LETTERS.name]);
    expect(second.altered).toEqual([]);
    expect(statements.filter((s) => s.startsWith('ALTER TABLE'))).toEqual([
      `ALTER TABLE ks.${DEAD_LETTERS.name} WITH default_time_to_live = ${DEAD_LETTERS.ttlSeconds}`,
    ]);
  });
});
