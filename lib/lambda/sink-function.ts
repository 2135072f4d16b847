import { resolveConfig } from '../config/config.ts';
import type { Env } from '../config/env-values.ts';
import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { pipelineCassandra, sharedSession } from '../store/session.ts';
import { pipelineFromEnv } from './aggregate-function.ts';
import { createSinkHandler } from './sink-handler.ts';

/** The sink Lambda handler as deployed: the sink CASSFLOW_PIPELINE names, one session per container. */
export function sinkFunction(pipelines: ReadonlyMap<string, AnyPipeline>, env: Env = process.env) {
  const pipeline = pipelineFromEnv(pipelines, env, 'sink');
  const config = resolveConfig(env);
  const cassandra = pipelineCassandra(config.cassandra, pipeline);
  return createSinkHandler(pipeline, { session: () => sharedSession(cassandra) });
}
