import { fileURLToPath } from 'node:url';
import { BroadcastChannel } from 'node:worker_threads';
import type { CassflowConfig } from '../../config/config.ts';
import { IsolatedFunction } from '../event-source/isolated-function.ts';
import type { LocalFaults } from '../guarded-client.ts';
import type { EmfLine } from '../metrics/emf-points.ts';
import type { FunctionFigures } from './pipeline-function.ts';

/** What an execution environment needs to build a pipeline's handler (pipeline-entry.ts). */
export type IsolatedPipelineSpec = {
  /** The module that defines the pipeline (what `cassflow run` was given). */
  file: string;
  name: string;
  config: CassflowConfig;
  logLevel: string;
  faults?: LocalFaults;
};

export const ISOLATED_PIPELINE_ENV = 'CASSFLOW_ISOLATED_PIPELINE';

const ENTRY = fileURLToPath(new URL('./pipeline-entry.ts', import.meta.url));

/** The channel an environment reports its batches' figures on (BroadcastChannel, in-process). */
export function figuresChannelName(pipeline: string): string {
  return `cassflow-figures:${pipeline}`;
}

/** What an environment reports: a batch's figures, or an invocation's metrics (an EMF line). */
export type EnvironmentReport = { figures: FunctionFigures } | { emf: EmfLine };

/**
 * A pipeline's batch handler run as Lambda runs it, in execution environments of its own (worker
 * threads, each loading the pipeline's module and opening its own Cassandra session), so that an
 * invocation past its timeout is stopped for good. Figures come back over a BroadcastChannel.
 */
export function isolatedPipeline(
  spec: IsolatedPipelineSpec,
  onBatch: (figures: FunctionFigures) => void,
  onMetrics: (line: EmfLine) => void = () => undefined,
): { fn: IsolatedFunction; close(): Promise<void> } {
  const fn = new IsolatedFunction(
    {
      modulePath: ENTRY,
      handler: 'handler',
      env: { [ISOLATED_PIPELINE_ENV]: JSON.stringify(spec) },
    },
    spec.name,
    spec.config.kinesis.region,
  );
  const channel = new BroadcastChannel(figuresChannelName(spec.name));
  channel.onmessage = (message) => {
    const report = (message as { data: EnvironmentReport }).data;
    if ('figures' in report) onBatch(report.figures);
    else onMetrics(report.emf);
  };
  return {
    fn,
    close: async () => {
      await fn.close();
      channel.close();
    },
  };
}
