import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisConfig } from '../config/config.ts';

/** Emulators accept any signature; these stand in when no AWS credentials are configured. */
const EMULATOR_CREDENTIALS = { accessKeyId: 'cassflow-local', secretAccessKey: 'cassflow-local' };

/**
 * A Kinesis client for the configured endpoint. It always uses the HTTP/1.1 handler: with the
 * SDK's default HTTP/2 handler, kinesis-mock (LocalStack's Kinesis) intermittently answers "Protocol error" after the
 * write succeeded, and a retry would then write the record twice.
 */
export function createKinesisClient(
  config: KinesisConfig,
  options: { maxAttempts?: number } = {},
): KinesisClient {
  return new KinesisClient({
    ...options,
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.useDummyCredentials ? { credentials: EMULATOR_CREDENTIALS } : {}),
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30_000 }),
  });
}
