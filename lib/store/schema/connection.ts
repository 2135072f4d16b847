import type cassandra from 'cassandra-driver';
import type { SchemaConnection } from './apply.ts';

/** Missing from the driver's typings, present in its code (lib/metadata/index.js). */
type MetadataWithAgreement = { checkSchemaAgreement(): Promise<boolean> };

/** The schema connection of a real driver client. */
export function schemaConnection(client: cassandra.Client): SchemaConnection {
  return {
    async run(cql, params = []) {
      const result = await client.execute(cql, params, { prepare: false });
      return (result.rows ?? []).map((row) =>
        Object.fromEntries(row.keys().map((k) => [k, row.get(k)])),
      );
    },
    schemaAgreed: () =>
      (client.metadata as unknown as MetadataWithAgreement).checkSchemaAgreement(),
  };
}
