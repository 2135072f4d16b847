import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { CassflowConfig } from '../../config/config.ts';
import type { Env } from '../../config/env-values.ts';
import { createDynamoDbClient } from '../../targets/clients.ts';
import {
  type BackgroundServer,
  backgroundServerStatus,
  startBackgroundServer,
  stopBackgroundServer,
} from '../background-server.ts';
import type { ManagedProcess } from '../managed-process.ts';
import type { ServiceReport, ServiceStatus } from '../service.ts';

const NAME = 'DynamoDB server (dynalite)';

function dynamoDbPaths(cacheDir: string) {
  const home = join(cacheDir, 'dynamodb');
  return {
    home,
    process: {
      name: NAME,
      pidFile: join(home, 'dynalite.pid'),
      logFile: join(home, 'dynalite.log'),
      commandMarker: 'dynalite',
    } satisfies ManagedProcess,
  };
}

/** One quick ListTables: a port held by something that never answers must not stall us. */
async function answersDynamoDb(config: CassflowConfig): Promise<boolean> {
  const client = createDynamoDbClient(config.dynamodb, { maxAttempts: 1 });
  try {
    await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

function dynamoDbServer(config: CassflowConfig, env: Env): BackgroundServer {
  const { host, port } = config.local.dynamodb;
  const paths = dynamoDbPaths(config.local.cacheDir);
  const cli = join(
    dirname(createRequire(import.meta.url).resolve('dynalite/package.json')),
    'cli.js',
  );
  return {
    process: paths.process,
    home: paths.home,
    endpoint: `http://${host}:${port}`,
    host,
    ports: [
      {
        port,
        fix: 'set AWS_ENDPOINT_URL_DYNAMODB to http://127.0.0.1:<a free port>, or to a DynamoDB endpoint running elsewhere',
      },
    ],
    answers: () => answersDynamoDb(config),
    foreignKind: 'a DynamoDB endpoint',
    startTimeoutMs: 30_000,
    stopGraceMs: 5000,
    command: () => ({
      command: process.execPath,
      // In memory, like DynamoDB Local's -inMemory; tables are ACTIVE at once instead of
      // CREATING for half a second.
      args: [
        cli,
        ...['--host', host, '--port', String(port)],
        ...['--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0'],
      ],
      cwd: paths.home,
      env: env as NodeJS.ProcessEnv,
    }),
  };
}

/**
 * Starts dynalite (the DynamoDB API on an in-memory store; no transactions, no streams) on
 * 127.0.0.1, or finds it running. A DynamoDB endpoint someone else runs there (DynamoDB Local,
 * LocalStack) is used as it is.
 */
export function startDynamoDbServer(
  config: CassflowConfig,
  env: Env,
  report: (line: string) => void,
): Promise<ServiceReport> {
  return startBackgroundServer(dynamoDbServer(config, env), report);
}

export function stopDynamoDbServer(cacheDir: string): Promise<ServiceStatus> {
  return stopBackgroundServer(dynamoDbPaths(cacheDir).process, 5000);
}

export function dynamoDbServerStatus(config: CassflowConfig): Promise<ServiceStatus> {
  return backgroundServerStatus(dynamoDbServer(config, process.env));
}
