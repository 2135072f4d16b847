import { aggregateFunction } from '#lib/lambda/aggregate-function';
import { withSecrets } from '#lib/lambda/secret-env';
import { EXAMPLE_PIPELINES } from '../examples/index.ts';

/** Kinesis → keyed windowed aggregates in Cassandra/Keyspaces, for the pipeline CASSFLOW_PIPELINE names. */
export const handler = aggregateFunction(EXAMPLE_PIPELINES, await withSecrets(process.env));
