import { schemaFunction } from '#lib/lambda/schema-function';
import { withSecrets } from '#lib/lambda/secret-env';
import { EXAMPLE_PIPELINES } from '../examples/index.ts';

/** CloudFormation custom resource → the pipelines' tables are ACTIVE (Keyspaces) or created (Cassandra). */
export const handler = schemaFunction(EXAMPLE_PIPELINES, await withSecrets(process.env));
