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

/** One line of what a pipeline's function has done so far, for the runtime's periodic log. */
export function statusLine(p: RunningPipeline): string {
  const s = p.source.stats;
  const parts = [
    `${p.pipeline.name}: ${s.records.toLocaleString('en-US')} record(s) in ${s.invocations} invocation(s)`,
  ];
  if (p.figures.deadLettered > 0) parts.push(`${p.figures.deadLettered} dead-lettered`);
  if (p.figures.filtered > 0) parts.push(`${p.figures.filtered} filtered`);
  if (p.figures.late > 0) parts.push(`${p.figures.late} late`);
  if (s.retries + s.bisections > 0) parts.push(`${s.retries} retries, ${s.bisections} splits`);
  if (s.discarded > 0) parts.push(`${s.discarded} discarded (see ${p.failureLog})`);
  return parts.join(', ');
}
