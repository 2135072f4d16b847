/** How the app reads its settings: `cdk synth -c cassflow:<name>=<value>` or cdk.json's context. */
export type ContextReader = (name: string) => unknown;

export type AppSettings = {
  pipelineFile: string;
  stackName: string;
  keyspace: string;
  store: 'keyspaces' | 'cassandra';
  /** Set for store = cassandra. */
  cassandra?: {
    contactPoints: string[];
    localDataCenter: string;
    port: number;
    credentialsSecretArn: string;
    vpcId: string;
    subnetIds?: string[];
  };
  postgresSecretArn?: string;
  alarmTopicArn?: string;
  /** Shards of every source stream; undefined means on-demand. */
  shards?: number;
  /** Lambda concurrency reserved per sync job; undefined means none. */
  syncReservedConcurrency?: number;
};

export class AppContextError extends Error {
  constructor(name: string, message: string) {
    super(`cdk context cassflow:${name}: ${message}`);
    this.name = 'AppContextError';
  }
}

export const DEFAULT_PIPELINE_FILE = 'examples/index.ts';

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/**
 * The app's settings from the CDK context, each named `cassflow:<setting>`; every problem is an
 * error naming the setting. Only the pipeline file is needed: the rest has defaults, except
 * a self-managed Cassandra's contact points, data center, secret and VPC.
 */
export function readAppSettings(read: ContextReader): AppSettings {
  const get = (name: string): string | undefined => {
    const value = read(`cassflow:${name}`);
    if (value === undefined || value === null || value === '') return undefined;
    return String(value);
  };
  const list = (name: string) =>
    get(name)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const required = (name: string, why: string) => {
    const value = get(name);
    if (value === undefined) throw new AppContextError(name, `is required ${why}`);
    return value;
  };
  const secretArn = (name: string, value: string | undefined) => {
    if (value !== undefined && !SECRET_ARN.test(value)) {
      throw new AppContextError(name, 'must be the full ARN of a Secrets Manager secret');
    }
    return value;
  };

  const store = get('store') ?? 'keyspaces';
  if (store !== 'keyspaces' && store !== 'cassandra') {
    throw new AppContextError('store', `must be keyspaces or cassandra, got '${store}'`);
  }
  const keyspace = get('keyspace') ?? 'cassflow';
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_]{0,47}$/.test(keyspace)) {
    throw new AppContextError('keyspace', `'${keyspace}' is not a keyspace name`);
  }
  const shardsText = get('shards');
  const shards = shardsText === undefined ? undefined : Number(shardsText);
  if (shards !== undefined && (!Number.isInteger(shards) || shards < 1)) {
    throw new AppContextError('shards', `must be a whole number of shards, got '${shardsText}'`);
  }
  const settings: AppSettings = {
    pipelineFile: get('pipelines') ?? DEFAULT_PIPELINE_FILE,
    stackName: get('stackName') ?? 'Cassflow',
    keyspace,
    store,
  };
  if (store === 'cassandra') {
    const why = 'with cassflow:store=cassandra';
    const port = Number(get('port') ?? 9042);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new AppContextError('port', 'must be a port number');
    }
    const subnetIds = list('subnetIds');
    settings.cassandra = {
      contactPoints: list('contactPoints') ?? required('contactPoints', why).split(','),
      localDataCenter: required('localDataCenter', why),
      port,
      credentialsSecretArn: secretArn(
        'cassandraSecretArn',
        required('cassandraSecretArn', why),
      ) as string,
      vpcId: required('vpcId', why),
      ...(subnetIds ? { subnetIds } : {}),
    };
  }
  const postgres = secretArn('postgresSecretArn', get('postgresSecretArn'));
  if (postgres) settings.postgresSecretArn = postgres;
  const topic = get('alarmTopicArn');
  if (topic) settings.alarmTopicArn = topic;
  if (shards !== undefined) settings.shards = shards;
  const reservedText = get('syncReservedConcurrency');
  if (reservedText !== undefined) {
    const reserved = Number(reservedText);
    if (!Number.isInteger(reserved) || reserved < 1) {
      throw new AppContextError(
        'syncReservedConcurrency',
        `must be a whole number of executions (1 or more), got '${reservedText}'`,
      );
    }
    settings.syncReservedConcurrency = reserved;
  }
  return settings;
}
