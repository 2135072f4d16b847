import { withSecrets } from '#lib/lambda/secret-env';
import { sinkFunction } from '#lib/lambda/sink-function';
import { EXAMPLE_PIPELINES } from '../examples/index.ts';

/** Kinesis → one idempotent upsert per record into a table, for the sink CASSFLOW_PIPELINE names. */
export const handler = sinkFunction(EXAMPLE_PIPELINES, await withSecrets(process.env));
