/** Errors of the local scheduler. Each names what is wrong and where. */

/** A `rate(...)` or `cron(...)` schedule that EventBridge would refuse. */
export class ScheduleExpressionError extends Error {
  readonly expression: string;
  /** The field at fault, e.g. 'Hours' or 'unit'; undefined when the whole shape is wrong. */
  readonly field: string | undefined;

  constructor(expression: string, field: string | undefined, problem: string) {
    super(
      field === undefined ? `${expression}: ${problem}` : `${expression}: ${field}: ${problem}`,
    );
    this.name = 'ScheduleExpressionError';
    this.expression = expression;
    this.field = field;
  }
}

/** Two jobs with one name would share a rule ARN and be indistinguishable in the log. */
export class DuplicateJobError extends Error {
  constructor(name: string) {
    super(`Two scheduled jobs are named '${name}': give each job its own name.`);
    this.name = 'DuplicateJobError';
  }
}
