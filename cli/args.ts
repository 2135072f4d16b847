import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './output.ts';

/** node:util parseArgs, with its errors turned into usage errors. */
export function parseFlags<const O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
