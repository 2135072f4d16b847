import { type IVpc, Peer, Port, SecurityGroup, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IDependable } from 'constructs';
import type { StateStore, TableAccess, VpcPlacement } from './state-store.ts';

export type CassandraStoreProps = {
  /** The keyspace pipelines without their own use (CASSANDRA_KEYSPACE). */
  defaultKeyspace: string;
  /** Hosts (or host:port) the driver first connects to. */
  contactPoints: readonly string[];
  port?: number;
  localDataCenter: string;
  /** A Secrets Manager secret holding {"username", "password"} for the cluster. */
  credentialsSecretArn: string;
  /** The cluster's VPC and the subnets the functions run in (they need a route to AWS APIs). */
  vpc: IVpc;
  vpcSubnets?: SubnetSelection;
  /** The CIDR the cluster's nodes are in (default: the VPC's). */
  clusterCidr?: string;
  /** Connect with TLS (default true), checking the nodes' certificates against public CAs. */
  tls?: boolean;
  replicationFactor?: number;
};

/**
 * A self-managed Cassandra (on EC2, EKS or elsewhere in reach of the VPC) as the state store. The
 * functions run in its VPC with a security group allowed out to the CQL port only, and read the
 * credentials from Secrets Manager at cold start; the schema step creates the tables over CQL.
 * Table access is governed by Cassandra's own roles, not IAM.
 */
export class CassandraStore extends Construct implements StateStore {
  readonly kind = 'cassandra' as const;
  readonly environment: Readonly<Record<string, string>>;
  readonly placement: VpcPlacement;
  readonly dependables: readonly IDependable[] = [];
  readonly credentials: ISecret;

  constructor(scope: Construct, id: string, props: CassandraStoreProps) {
    super(scope, id);
    const port = props.port ?? 9042;
    this.credentials = Secret.fromSecretCompleteArn(
      this,
      'Credentials',
      props.credentialsSecretArn,
    );
    const securityGroup = new SecurityGroup(this, 'Functions', {
      vpc: props.vpc,
      description: 'cassflow functions: CQL to the Cassandra cluster, HTTPS to AWS APIs',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(
      Peer.ipv4(props.clusterCidr ?? props.vpc.vpcCidrBlock),
      Port.tcp(port),
      'CQL to the Cassandra nodes',
    );
    securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS APIs');
    this.placement = {
      vpc: props.vpc,
      ...(props.vpcSubnets ? { vpcSubnets: props.vpcSubnets } : {}),
      securityGroups: [securityGroup],
    };
    this.environment = {
      CASSFLOW_STORE: 'cassandra',
      CASSANDRA_KEYSPACE: props.defaultKeyspace,
      CASSANDRA_CONTACT_POINTS: props.contactPoints.join(','),
      CASSANDRA_PORT: String(port),
      CASSANDRA_LOCAL_DC: props.localDataCenter,
      CASSANDRA_SECRET_ARN: props.credentialsSecretArn,
      CASSANDRA_TLS: String(props.tls ?? true),
      CASSANDRA_REPLICATION_FACTOR: String(props.replicationFactor ?? 3),
    };
  }

  grantTables(
    grantee: IGrantable,
    _keyspace: string,
    _tables: readonly string[],
    _access: TableAccess,
  ): void {
    this.credentials.grantRead(grantee);
  }
}
