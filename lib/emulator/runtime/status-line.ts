import type { RunningPipeline } from './runtime.ts';

/** What a pipeline's function has done so far, as figures (`cassflow run --json`). */
export function statusOf(p: RunningPipeline) {
  const s = p.source.stats;
  return {
    pipeline: p.pipeline.name,
    invocations: s.invocations,
    ...p.figures,
    records: s.records,
    retries: s.retries,
    splits: s.bisections,
    discarded: s.discarded,
  };
}

export type PipelineStatus = ReturnType<typeof statusOf>;

/** One line of what a pipeline's function has done so far, for the runtime's periodic log. */
export function statusLine(p: RunningPipeline): string {
  const s = statusOf(p);
  const parts = [
    `${s.pipeline}: ${s.records.toLocaleString('en-US')} record(s) in ${s.invocations} invocation(s)`,
  ];
  if (s.deadLettered > 0) parts.push(`${s.deadLettered} dead-lettered`);
  if (s.filtered > 0) parts.push(`${s.filtered} filtered`);
  if (s.late > 0) parts.push(`${s.late} late`);
  if (s.retries + s.splits > 0) parts.push(`${s.retries} retries, ${s.splits} splits`);
  if (s.discarded > 0) parts.push(`${s.discarded} discarded (see ${p.failureLog})`);
  return parts.join(', ');
}
