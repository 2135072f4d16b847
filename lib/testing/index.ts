/**
 * Testing pipelines without servers: `import { testPipeline } from 'cassflow/testing'`. The
 * pipeline runs on the same engine as on Lambda, over an in-memory store.
 */
export {
  DEFAULT_SHARD,
  type DeadLetter,
  type DriverFigures,
  type DriverOptions,
  type LateEvent,
  PipelineTestDriver,
  type SendOptions,
} from './pipeline-test-driver.ts';
export {
  type PipelineTestResult,
  type TestPipelineOptions,
  testPipeline,
} from './test-pipeline.ts';
export { RawRecord, rawRecord } from './test-records.ts';
