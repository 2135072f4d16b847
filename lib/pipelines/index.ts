import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { pageViewLog } from './page-view-log.ts';
import { pageViews } from './page-views.ts';

/** The pipelines that ship with cassflow, by name: what CASSFLOW_PIPELINE may name in Lambda. */
export const BUILT_IN_PIPELINES: ReadonlyMap<string, AnyPipeline> = new Map<string, AnyPipeline>([
  [pageViews.name, pageViews],
  [pageViewLog.name, pageViewLog],
]);
