import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** cassflow's own code: a frame there is never where a pipeline file went wrong. */
const CASSFLOW_LIB = fileURLToPath(new URL('../', import.meta.url));

/**
 * A pipeline file that cannot be loaded: missing, not valid TypeScript, or throwing while it
 * loads (a bad window or pipeline definition). The message starts `file:line:column:` at the
 * user's code, as a compiler's would.
 */
export class PipelineFileError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** What to do about it, when that is known. */
  readonly fix?: string;

  constructor(file: string, message: string, line?: number, column?: number, fix?: string) {
    const near = relative(process.cwd(), file);
    const shown = near && !near.startsWith('..') ? near : file;
    const at = [shown, line, column].filter(Boolean).join(':');
    super(`${at}: ${message}`);
    this.name = 'PipelineFileError';
    this.file = file;
    if (line !== undefined) this.line = line;
    if (column !== undefined) this.column = column;
    if (fix !== undefined) this.fix = fix;
  }
}

/** Imports a user's pipeline module; any failure becomes a PipelineFileError at its line. */
export async function importPipelineModule(path: string): Promise<Record<string, unknown>> {
  const file = resolve(path);
  if (!existsSync(file)) throw new PipelineFileError(file, 'no such file');
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    const where: { file: string; line?: number; column?: number } = userFrame(stack ?? '') ?? {
      file,
    };
    const what = name === 'Error' ? message : `${name}: ${message}`;
    const fix = message.startsWith("Cannot find package 'cassflow'")
      ? "a pipeline file imports cassflow from its project: run 'npm install cassflow' there (or start one with 'cassflow init')"
      : undefined;
    throw new PipelineFileError(where.file, what, where.line, where.column, fix);
  }
}

/**
 * The first place in a stack that is the user's code, not cassflow's nor Node's: a syntax error
 * names its file on its first line, a throw has the user's frame below cassflow's.
 */
export function userFrame(stack: string) {
  // A frame names its file as a URL, a syntax error sometimes as a path.
  for (const match of stack.matchAll(
    /(file:\/\/[^\s()]+?|(?<![\w:])\/[^\s():]+?):(\d+)(?::(\d+))?(?=[\s)]|$)/g,
  )) {
    const named = match[1] as string;
    const file = named.startsWith('file:') ? fileURLToPath(named) : named;
    if (file.startsWith(CASSFLOW_LIB) || file.includes('/node_modules/')) continue;
    return {
      file,
      line: Number(match[2]),
      ...(match[3] ? { column: Number(match[3]) } : {}),
    };
  }
  return undefined;
}
