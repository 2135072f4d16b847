import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import type { CassflowConfig } from '../../config/config.ts';
import type { Env } from '../../config/env-values.ts';
import { createKinesisClient } from '../../kinesis/client.ts';
import {
  answersQuickly,
  type BackgroundServer,
  type ServerControls,
  serverControls,
} from '../background-server.ts';
import { cassflowKinesisServer, kinesisMockServer } from './engines.ts';

function answersKinesis(config: CassflowConfig): Promise<boolean> {
  return answersQuickly(
    createKinesisClient(config.kinesis, { maxAttempts: 1 }),
    (client, abortSignal) => client.send(new ListStreamsCommand({}), { abortSignal }),
    (client) => client.destroy(),
  );
}

function emulatorServer(config: CassflowConfig, env: Env): BackgroundServer {
  const describe =
    config.local.kinesis.engine === 'kinesis-mock' ? kinesisMockServer : cassflowKinesisServer;
  return describe(config, env, () => answersKinesis(config));
}

const ours = serverControls(
  emulatorServer,
  (cacheDir) => cassflowKinesisServer.process(cacheDir),
  5000,
);
const mock = serverControls(
  emulatorServer,
  (cacheDir) => kinesisMockServer.process(cacheDir),
  10_000,
);

/**
 * Starts the local Kinesis on 127.0.0.1 (cassflow's own engine, or kinesis-mock when
 * CASSFLOW_KINESIS_ENGINE says so), or finds the one running. A Kinesis endpoint someone else
 * runs there (LocalStack) is used as it is.
 */
const controls: ServerControls = {
  start: ours.start,
  status: ours.status,
  // Stops whichever engine runs, so switching engines never leaves one holding the port.
  stop: async (cacheDir) => {
    const stopped = await ours.stop(cacheDir);
    const mockStopped = await mock.stop(cacheDir);
    return stopped.detail ? stopped : mockStopped;
  },
};

export const startKinesisEmulator = controls.start;
export const stopKinesisEmulator = controls.stop;
export const kinesisEmulatorStatus = controls.status;
