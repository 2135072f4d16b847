import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct, type IDependable } from 'constructs';
import type { KeyspaceSchema } from '#lib/pipeline-file/deployment-schema';
import { acceptFinding, nagText } from '../nag.ts';
import { KeyspacesSchema } from './keyspaces-schema.ts';
import type { StateStore, TableAccess } from './state-store.ts';

export type KeyspacesStoreProps = {
  /** The keyspace pipelines without their own use (CASSANDRA_KEYSPACE). */
  defaultKeyspace: string;
  schema: readonly KeyspaceSchema[];
  removalPolicy?: RemovalPolicy;
};

/**
 * Amazon Keyspaces as the state store: one KeyspacesSchema per keyspace (CloudFormation creates
 * the tables), and IAM grants on table ARNs, since Keyspaces authorizes each table separately.
 */
export class KeyspacesStore extends Construct implements StateStore {
  readonly kind = 'keyspaces' as const;
  readonly environment: Readonly<Record<string, string>>;
  readonly dependables: readonly IDependable[];
  readonly schemas: ReadonlyMap<string, KeyspacesSchema>;

  constructor(scope: Construct, id: string, props: KeyspacesStoreProps) {
    super(scope, id);
    this.environment = { CASSFLOW_STORE: 'keyspaces', CASSANDRA_KEYSPACE: props.defaultKeyspace };
    const schemas = new Map<string, KeyspacesSchema>();
    for (const { keyspace, tables } of props.schema) {
      schemas.set(
        keyspace,
        new KeyspacesSchema(this, `Keyspace-${keyspace}`, {
          keyspaceName: keyspace,
          tables,
          removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
        }),
      );
    }
    this.schemas = schemas;
    this.dependables = [...schemas.values()];
  }

  grantTables(
    grantee: IGrantable,
    keyspace: string,
    tables: readonly string[],
    access: TableAccess,
  ): void {
    const arn = (path: string) => {
      const stack = Stack.of(this);
      return `arn:${stack.partition}:cassandra:${stack.region}:${stack.account}:/keyspace/${path}`;
    };
    if (tables.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: {
            read: ['cassandra:Select'],
            write: ['cassandra:Modify'],
            readWrite: ['cassandra:Select', 'cassandra:Modify'],
          }[access],
          resources: tables.map((t) => arn(`${keyspace}/table/${t}`)),
        }),
      );
    }
    const system = arn('system*');
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['cassandra:Select'], resources: [system] }),
    );
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return;
    acceptFinding(
      principal,
      `IAM5[Resource::${nagText(this, system)}]`,
      'Keyspaces drivers read the system keyspaces (system, system_schema, system_schema_mcs, ' +
        'system_multiregion_info) to connect and prepare; AWS documents /keyspace/system* for it',
    );
  }
}
