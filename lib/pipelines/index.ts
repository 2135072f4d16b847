import type { Pipeline } from '../pipeline/spec.ts';
import { pageViews } from './page-views.ts';

/** The pipelines that ship with cassflow, by name: what CASSFLOW_PIPELINE may name in Lambda. */
export const BUILT_IN_PIPELINES: ReadonlyMap<string, Pipeline> = new Map([
  [pageViews.name, pageViews],
]);
