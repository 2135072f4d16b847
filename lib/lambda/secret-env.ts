import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Env, readString } from '../config/env-values.ts';
import { ConfigError } from '../config/errors.ts';

/** Reads a secret's string by ARN (Secrets Manager in Lambda; a stand-in in unit tests). */
export type SecretReader = (arn: string) => Promise<string>;

/** Where a deployed function finds its passwords: Secrets Manager ARNs, never plain values. */
export const SECRET_SETTINGS = {
  cassandra: 'CASSANDRA_SECRET_ARN',
  postgres: 'CASSFLOW_POSTGRES_SECRET_ARN',
} as const;

export function secretsManagerReader(client = new SecretsManagerClient({})): SecretReader {
  return async (arn) => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (SecretString === undefined) throw new Error(`secret ${arn} has no string value`);
    return SecretString;
  };
}

/**
 * The environment with the secrets it names resolved into the settings the config reads:
 * CASSANDRA_SECRET_ARN ({"username", "password"}) into CASSANDRA_USERNAME/PASSWORD, and
 * CASSFLOW_POSTGRES_SECRET_ARN ({"url"}, or RDS' {"host", "port", "username", "password",
 * "dbname"}) into CASSFLOW_POSTGRES_URL. Read once per container, at cold start.
 */
export async function withSecrets(env: Env, reader?: SecretReader): Promise<Env> {
  let read = reader;
  const readSecret: SecretReader = (arn) => {
    read ??= secretsManagerReader();
    return read(arn);
  };
  const resolved: Record<string, string | undefined> = { ...env };
  const cassandraArn = readString(env, SECRET_SETTINGS.cassandra);
  if (cassandraArn) {
    const secret = await readJson(readSecret, SECRET_SETTINGS.cassandra, cassandraArn);
    resolved.CASSANDRA_USERNAME = field(secret, SECRET_SETTINGS.cassandra, 'username');
    resolved.CASSANDRA_PASSWORD = field(secret, SECRET_SETTINGS.cassandra, 'password');
  }
  const postgresArn = readString(env, SECRET_SETTINGS.postgres);
  if (postgresArn) {
    const secret = await readJson(readSecret, SECRET_SETTINGS.postgres, postgresArn);
    if (typeof secret.url === 'string' && secret.url !== '') {
      resolved.CASSFLOW_POSTGRES_URL = secret.url;
    } else if (secret.host !== undefined) {
      resolved.CASSFLOW_POSTGRES_URL = postgresUrl(secret);
    } else {
      throw new ConfigError(
        SECRET_SETTINGS.postgres,
        `secret ${postgresArn} needs {"url": "postgres://user:password@host:5432/db"} or RDS' ` +
          'host, port, username, password and dbname',
      );
    }
  }
  return resolved;
}

async function readJson(read: SecretReader, setting: string, arn: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await read(arn));
  } catch (error) {
    throw new ConfigError(setting, `secret ${arn} cannot be read as JSON: ${errorText(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new ConfigError(setting, `secret ${arn} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function field(secret: Record<string, unknown>, setting: string, name: string): string {
  const value = secret[name];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(setting, `the secret has no '${name}' field`);
  }
  return value;
}

function postgresUrl(secret: Record<string, unknown>): string {
  const s = SECRET_SETTINGS.postgres;
  const user = encodeURIComponent(field(secret, s, 'username'));
  const password = encodeURIComponent(field(secret, s, 'password'));
  const port = secret.port === undefined ? '5432' : field(secret, s, 'port');
  const database = encodeURIComponent(field(secret, s, 'dbname'));
  return `postgres://${user}:${password}@${field(secret, s, 'host')}:${port}/${database}`;
}

function errorText(error: unknown): string {
  // A JSON.parse message may quote the secret: say only what kind of failure it was.
  return error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message;
}
