import type { AnyPipeline } from 'cassflow';
import { pageViewLog } from './page-view-log.ts';
import pageViews from './page-views.ts';

/**
 * The example pipelines by name: what CASSFLOW_PIPELINE may name in the deployed functions, and
 * the names `cassflow query --pipeline` and `schema apply --pipeline` accept besides a path.
 */
export const EXAMPLE_PIPELINES: ReadonlyMap<string, AnyPipeline> = new Map<string, AnyPipeline>([
  [pageViews.name, pageViews],
  [pageViewLog.name, pageViewLog],
]);

export default [pageViews, pageViewLog];
