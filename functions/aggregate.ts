import { aggregateFunction } from '#lib/lambda/aggregate-function';
import { BUILT_IN_PIPELINES } from '#lib/pipelines/index';

/** Kinesis → keyed windowed aggregates in Cassandra/Keyspaces, for the pipeline CASSFLOW_PIPELINE names. */
export const handler = aggregateFunction(BUILT_IN_PIPELINES);
