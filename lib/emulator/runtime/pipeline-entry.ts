import { BroadcastChannel } from 'node:worker_threads';
import { loadPipelineFile } from '../../pipeline-file/load-pipeline-file.ts';
import { createCassandraClient } from '../../store/client.ts';
import { CassandraSession, pipelineCassandra, sessionOptions } from '../../store/session.ts';
import { guardedClient } from '../guarded-client.ts';
import {
  type EnvironmentReport,
  figuresChannelName,
  ISOLATED_PIPELINE_ENV,
  type IsolatedPipelineSpec,
} from './isolated-pipeline.ts';
import { pipelineFunction } from './pipeline-function.ts';

// A pipeline's handler in one execution environment (a worker thread of IsolatedFunction): built
// once when the environment starts, as a Lambda container builds it at its cold start.
const spec = JSON.parse(process.env[ISOLATED_PIPELINE_ENV] ?? 'null') as IsolatedPipelineSpec;
if (!spec)
  throw new Error(`${ISOLATED_PIPELINE_ENV} is not set: pipeline-entry.ts runs only in a worker`);
const { pipelines } = await loadPipelineFile(spec.file);
const pipeline = pipelines.find((p) => p.name === spec.name);
if (!pipeline) throw new Error(`${spec.file} defines no pipeline named ${spec.name}`);
const cassandra = pipelineCassandra(spec.config.cassandra, pipeline);
const client = createCassandraClient(cassandra);
await client.connect(); // in the init phase, as a handler module connects outside its handler
const session = new CassandraSession(
  guardedClient(client, spec.faults),
  cassandra.keyspace,
  sessionOptions(cassandra),
);
const figures = new BroadcastChannel(figuresChannelName(spec.name));
figures.unref();

export const handler = pipelineFunction(pipeline, session, spec.config.kinesis, {
  logLevel: spec.logLevel,
  onBatch: (f) => figures.postMessage({ figures: f } satisfies EnvironmentReport),
  onMetrics: (emf) => figures.postMessage({ emf } satisfies EnvironmentReport),
}).batch;
