import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { PROJECT_ROOT } from '../bundling/handler-entries.ts';
import { acceptFinding } from '../nag.ts';
import type { StateStore } from './state-store.ts';

export type CassflowFunctionProps = {
  /** The entry file (see writeHandlerEntries). */
  entry: string;
  description: string;
  store: StateStore;
  environment?: Record<string, string>;
  timeout: Duration;
  memorySize?: number;
  reservedConcurrentExecutions?: number;
  /** How long its logs are kept (default one month). */
  logRetention?: RetentionDays;
};

/** cassandra-driver and pg are CommonJS and call require(): give the ESM bundle one. */
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * V8's young generation for a function of this memory: a batch or a sync page keeps thousands of
 * short-lived objects alive across awaits, and with the default 16 MB semi-space they are copied
 * and promoted instead of dying young (a local sync pass spent about a third of its CPU in the
 * collector). A sixteenth of the memory, 16 to 64 MB (64 at the default 1,024 MB).
 */
export function semiSpaceMegabytes(memorySize: number): number {
  return Math.min(64, Math.max(16, Math.floor(memorySize / 16)));
}

/**
 * A cassflow Lambda: Node.js 22 on arm64 (Graviton, about 20% cheaper per GB-second), one ESM
 * bundle made by the local esbuild with source maps, JSON logs in a log group with a retention,
 * X-Ray tracing, and the store's connection settings and VPC placement.
 */
export function cassflowFunction(scope: Construct, id: string, props: CassflowFunctionProps) {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // Its own role, allowed to write to its own log group only (not the managed policy's logs:*).
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
  });
  logGroup.grantWrite(role);
  if (props.store.placement) {
    role.addManagedPolicy(
      ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
    );
    acceptFinding(
      role,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'Lambda needs it to manage the network interfaces of a function in a VPC; AWS maintains it',
    );
  }
  const memorySize = props.memorySize ?? 1024;
  const fn = new NodejsFunction(scope, id, {
    role,
    entry: props.entry,
    handler: 'handler',
    description: props.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize,
    timeout: props.timeout,
    ...(props.reservedConcurrentExecutions
      ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
      : {}),
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    logGroup,
    loggingFormat: LoggingFormat.JSON,
    tracing: Tracing.ACTIVE,
    environment: {
      NODE_OPTIONS: `--enable-source-maps --max-semi-space-size=${semiSpaceMegabytes(memorySize)}`,
      POWERTOOLS_METRICS_NAMESPACE: 'cassflow',
      ...props.store.environment,
      ...props.environment,
    },
    ...(props.store.placement ?? {}),
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      platform: 'node',
      mainFields: ['module', 'main'],
      sourceMap: true,
      sourcesContent: false,
      minify: true,
      keepNames: true,
      banner: REQUIRE_SHIM,
      // The SDK is bundled so the function runs the versions the tests ran, not the runtime's.
      bundleAwsSDK: true,
      // pg's optional native binding; never installed, never required unless asked for.
      externalModules: ['pg-native'],
    },
  });
  acceptFinding(
    fn,
    'L1',
    'Node.js 22 is chosen on purpose: the runtime the project and its tests run on (LTS to 2027-04)',
  );
  acceptFinding(
    role,
    'IAM5[Resource::*]',
    'X-Ray tracing: xray:PutTraceSegments and PutTelemetryRecords have no resource-level permissions',
  );
  return fn;
}
