import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { CassflowConfig } from '../../config/config.ts';
import type { Env } from '../../config/env-values.ts';
import { createDynamoDbClient } from '../../sync/targets/clients.ts';
import { answersQuickly, type BackgroundServer, serverControls } from '../background-server.ts';
import { processIn } from '../managed-process.ts';

const NAME = 'DynamoDB server (dynalite)';

function dynamoDbPaths(cacheDir: string) {
  const home = join(cacheDir, 'dynamodb');
  return {
    home,
    process: processIn(home, NAME, 'dynalite', 'dynalite'),
  };
}

function answersDynamoDb(config: CassflowConfig): Promise<boolean> {
  return answersQuickly(
    createDynamoDbClient(config.dynamodb, { maxAttempts: 1 }),
    (client, abortSignal) => client.send(new ListTablesCommand({}), { abortSignal }),
    (client) => client.destroy(),
  );
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
const controls = serverControls(
  dynamoDbServer,
  (cacheDir) => dynamoDbPaths(cacheDir).process,
  5000,
);

export const startDynamoDbServer = controls.start;
export const stopDynamoDbServer = controls.stop;
export const dynamoDbServerStatus = controls.status;
