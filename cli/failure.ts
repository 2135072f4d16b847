import type { Command } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { ConfigError } from '#lib/config/errors';
import { DashboardPortInUseError } from '#lib/dashboard/dashboard-server';
import { PipelineSpecError } from '#lib/pipeline/errors';
import { PipelineFileError } from '#lib/pipeline-file/import-module';
import { QueryError } from '#lib/query/read-windows';
import { UnsupportedTypeError } from '#lib/sync/column-type';
import { SyncSourceError } from '#lib/sync/table-schema';
import { EXIT } from './exit-codes.ts';
import { UsageError } from './output.ts';
import { commandPath } from './settings.ts';
import { unreachableServer } from './unreachable-server.ts';

/** Why a command failed, as `--json` prints it, and the exit code it ends with. */
export type Failure = {
  exitCode: number;
  kind: 'usage' | 'pipeline-file' | 'pipeline' | 'config' | 'unreachable' | 'failed';
  message: string;
  /** What to do about it, when cassflow knows. */
  fix?: string;
  [detail: string]: unknown;
};

/** The failure a thrown error stands for (see docs/cli.md for the exit codes). */
export function failureOf(error: unknown, running: Command): Failure {
  if (error instanceof UsageError) {
    return {
      exitCode: EXIT.usage,
      kind: 'usage',
      message: error.message,
      fix: `run '${commandPath(running)} --help' for usage`,
    };
  }
  if (error instanceof DashboardPortInUseError) {
    return {
      exitCode: EXIT.usage,
      kind: 'usage',
      message: error.message,
      fix: 'open that dashboard, stop it, or give another port (--ui-port, or --port for cassflow ui; 0 picks a free one)',
      port: error.port,
    };
  }
  if (error instanceof PipelineFileError) {
    const { file, line, column, fix } = error;
    return {
      exitCode: EXIT.usage,
      kind: 'pipeline-file',
      message: error.message,
      ...(fix ? { fix } : {}),
      file,
      line,
      column,
    };
  }
  if (
    error instanceof PipelineSpecError ||
    error instanceof QueryError ||
    error instanceof SyncSourceError ||
    error instanceof UnsupportedTypeError
  ) {
    return { exitCode: EXIT.usage, kind: 'pipeline', message: error.message };
  }
  if (error instanceof ConfigError) {
    return {
      exitCode: EXIT.usage,
      kind: 'config',
      message: `Configuration error: ${error.message}`,
    };
  }
  const server = unreachable(error);
  if (server) {
    return {
      exitCode: EXIT.unreachable,
      kind: 'unreachable',
      message: `cannot reach ${server.service} at ${server.endpoint} (${server.reason})`,
      fix: server.fix,
      service: server.service,
      endpoint: server.endpoint,
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { exitCode: EXIT.failed, kind: 'failed', message };
}

function unreachable(error: unknown) {
  try {
    return unreachableServer(error, resolveConfig(process.env));
  } catch {
    // The configuration itself is broken: the error is reported as it came.
    return undefined;
  }
}

/** The failure as people read it, or as one JSON object. */
export function formatFailure(failure: Failure, json: boolean): string {
  if (json) return JSON.stringify({ error: failure });
  return failure.fix ? `${failure.message}\nWhat to do: ${failure.fix}` : failure.message;
}
