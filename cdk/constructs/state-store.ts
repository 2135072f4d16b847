import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IDependable } from 'constructs';

/** What a function may do to a table: read it, write it (inserts only), or both. */
export type TableAccess = 'read' | 'write' | 'readWrite';

/** Where functions run when the store is in a VPC. */
export type VpcPlacement = {
  vpc: IVpc;
  vpcSubnets?: SubnetSelection;
  securityGroups: ISecurityGroup[];
};

/**
 * Where a deployment keeps its state (Amazon Keyspaces, or a self-managed Cassandra): how its
 * functions connect (environment, VPC) and what they are allowed to touch.
 */
export interface StateStore {
  readonly kind: 'keyspaces' | 'cassandra';
  /** The settings lib/config reads (CASSFLOW_STORE, CASSANDRA_*), for every function. */
  readonly environment: Readonly<Record<string, string>>;
  /** Set when the functions must run in the store's VPC. */
  readonly placement?: VpcPlacement;
  /** Resources the schema step must wait for (the tables CloudFormation creates). */
  readonly dependables: readonly IDependable[];
  /** Lets `grantee` connect and use these tables of `keyspace`, and nothing else. */
  grantTables(
    grantee: IGrantable,
    keyspace: string,
    tables: readonly string[],
    access: TableAccess,
  ): void;
}
