import { z } from 'zod';

/**
 * Apache Cassandra's reserved CQL keywords (its `reserved_keywords.txt`): unquoted, none of them
 * can name a keyspace, table or column, and cassflow writes every name unquoted.
 */
const RESERVED_WORDS = new Set(
  (
    'add allow alter and apply asc authorize batch begin by check columnfamily constraint create ' +
    'delete desc describe drop entries execute from full grant if in index infinity insert into ' +
    'is keyspace length limit materialized modify nan norecursive not null of on or order ' +
    'primary rename revoke schema select set table to token truncate unlogged update use using ' +
    'view where with'
  ).split(' '),
);

/**
 * Why `name` cannot name a keyspace, table or column, or undefined when it can: unquoted CQL
 * folds names to lowercase (so `MyTable` would be created as `mytable` and then not found),
 * takes letters, digits and _ after a first letter, and refuses reserved words; Amazon Keyspaces
 * allows 48 characters.
 */
export function cqlNameProblem(
  name: string,
  max = 48,
  options: { reservedOk?: boolean } = {},
): string | undefined {
  if (/[A-Z]/.test(name) && /^[a-zA-Z][a-zA-Z0-9_]*$/.test(name)) {
    const lower = name.toLowerCase();
    const then = cqlNameProblem(lower, max, options);
    return then
      ? `'${name}' has capitals, which CQL folds to lowercase, and lowercase ${then}`
      : `'${name}' has capitals, which CQL folds to lowercase: write it '${lower}'`;
  }
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    return `'${name}' must be lowercase letters, digits and _, starting with a letter`;
  }
  if (name.length > max) return `'${name}' is longer than ${max} characters`;
  if (!options.reservedOk && RESERVED_WORDS.has(name)) {
    return `'${name}' is a reserved CQL word: choose another name (for example '${name}_')`;
  }
  return undefined;
}

/**
 * A zod string that must be a CQL name of at most `max` characters (see cqlNameProblem);
 * `reservedOk` for names that only prefix or label others (a pipeline's name).
 */
export function cqlName(max = 48, options: { reservedOk?: boolean } = {}) {
  return z.string().superRefine((name, ctx) => {
    const problem = cqlNameProblem(name, max, options);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
