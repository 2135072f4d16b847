import { resolveConfig } from '../config/config.ts';
import { type Env, readString } from '../config/env-values.ts';
import { ConfigError } from '../config/errors.ts';
import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { pipelineCassandra, sharedSession } from '../store/session.ts';
import { createAggregateHandler } from './aggregate-handler.ts';
import { kinesisShardSource } from './kinesis-shard-source.ts';
import { rowCacheBytes } from './row-cache-size.ts';

/** The pipeline CASSFLOW_PIPELINE names among those the function was built with. */
export function pipelineFromEnv<K extends AnyPipeline['kind']>(
  pipelines: ReadonlyMap<string, AnyPipeline>,
  env: Env,
  kind: K,
): Extract<AnyPipeline, { kind: K }> {
  const names = [...pipelines.keys()].join(', ');
  const name = readString(env, 'CASSFLOW_PIPELINE');
  if (name === undefined) throw new ConfigError('CASSFLOW_PIPELINE', `not set; one of ${names}`);
  const pipeline = pipelines.get(name);
  if (!pipeline) throw new ConfigError('CASSFLOW_PIPELINE', `'${name}' is not one of ${names}`);
  if (pipeline.kind !== kind) {
    throw new ConfigError(
      'CASSFLOW_PIPELINE',
      `'${name}' is a ${pipeline.kind} pipeline, not ${kind}`,
    );
  }
  return pipeline as Extract<AnyPipeline, { kind: K }>;
}

/**
 * The aggregation Lambda handler as deployed (its stream's batches and its tick): the pipeline
 * from CASSFLOW_PIPELINE, endpoints from the environment, and one Cassandra session per
 * container, opened on the first invocation.
 */
export function aggregateFunction(
  pipelines: ReadonlyMap<string, AnyPipeline>,
  env: Env = process.env,
) {
  const pipeline = pipelineFromEnv(pipelines, env, 'aggregation');
  const config = resolveConfig(env);
  const cassandra = pipelineCassandra(config.cassandra, pipeline);
  return createAggregateHandler(pipeline, {
    session: () => sharedSession(cassandra),
    shards: kinesisShardSource(config.kinesis, pipeline.stream),
    rowCacheBytes: rowCacheBytes(env),
  });
}
