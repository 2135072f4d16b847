/** Undefined when this Node can run cassflow, else what to do about it. */
export function nodeVersionProblem(version?: string): string | undefined;
