/** A pipeline definition that cannot run, with the path of the offending setting. */
export class PipelineSpecError extends Error {
  readonly issues: readonly string[];

  constructor(pipeline: string, issues: readonly string[]) {
    super(`pipeline ${pipeline}: ${issues.join('; ')}`);
    this.name = 'PipelineSpecError';
    this.issues = issues;
  }
}
