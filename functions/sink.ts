import { sinkFunction } from '#lib/lambda/sink-function';
import { BUILT_IN_PIPELINES } from '#lib/pipelines/index';

/** Kinesis → one idempotent upsert per record into a table, for the sink CASSFLOW_PIPELINE names. */
export const handler = sinkFunction(BUILT_IN_PIPELINES);
