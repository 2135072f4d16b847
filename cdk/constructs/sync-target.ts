import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRET_SETTINGS } from '#lib/lambda/secret-env';
import { SYNC_TARGET_NAME } from '#lib/lambda/sync-function';
import type { SyncTargetSpec } from '#lib/pipeline/sync-entry';
import { acceptFinding, nagText } from '../nag.ts';

export type SyncTargetProps = {
  target: SyncTargetSpec;
  /** For a PostgreSQL target: a secret with {"url"} or RDS' {"host","port","username","password","dbname"}. */
  postgresSecretArn?: string;
};

/**
 * Where a sync job writes, made and scoped for it: an S3 bucket (encrypted, TLS only, no public
 * access, versioned, kept on delete) the stack names itself, a DynamoDB table under the spec's
 * name (pk/sk strings, on demand, point-in-time recovery), or a PostgreSQL reached with a
 * secret (given, or made empty for the user to fill). `grantWrite` allows writing there and nowhere else.
 */
export class SyncTarget extends Construct {
  readonly environment: Readonly<Record<string, string>>;
  readonly grantWrite: (grantee: IGrantable) => void;

  constructor(scope: Construct, id: string, props: SyncTargetProps) {
    super(scope, id);
    const { target } = props;
    if (target.kind === 's3') {
      const bucket = new Bucket(this, 'Bucket', {
        encryption: BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const prefix = target.prefix ? `${target.prefix.replace(/\/+$/, '')}/*` : '*';
      this.environment = { [SYNC_TARGET_NAME]: bucket.bucketName };
      acceptFinding(
        bucket,
        'S1',
        'it holds exports only the sync function writes; to audit reads, turn on CloudTrail S3 ' +
          'data events (access logs would need a second bucket, itself unlogged)',
      );
      this.grantWrite = (grantee) => {
        const objects = bucket.arnForObjects(prefix);
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }),
        );
        if (Construct.isConstruct(grantee.grantPrincipal)) {
          acceptFinding(
            grantee.grantPrincipal,
            `IAM5[Resource::${nagText(this, objects)}]`,
            'the sync function writes one object per page under the job prefix: PutObject only',
          );
        }
        // HeadBucket, to fail early with a clear message when the bucket is gone.
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
        );
      };
    } else if (target.kind === 'dynamodb') {
      const table = new Table(this, 'Table', {
        tableName: target.table,
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        sortKey: { name: 'sk', type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.environment = { [SYNC_TARGET_NAME]: table.tableName };
      this.grantWrite = (grantee) => {
        grantee.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:DescribeTable'],
            resources: [table.tableArn],
          }),
        );
      };
    } else {
      // Without a given secret the stack makes an empty one, to be filled after deploying:
      // runs fail, saying what the secret lacks, until it holds the database's URL.
      const secret = props.postgresSecretArn
        ? Secret.fromSecretCompleteArn(this, 'Secret', props.postgresSecretArn)
        : new Secret(this, 'Secret', {
            description: `cassflow sync to PostgreSQL table ${target.table}: set {"url": "postgres://user:password@host:5432/db?sslmode=require"}`,
            generateSecretString: {
              secretStringTemplate: JSON.stringify({ url: '' }),
              generateStringKey: 'placeholder',
            },
            removalPolicy: RemovalPolicy.RETAIN,
          });
      if (secret instanceof Secret) {
        acceptFinding(
          secret,
          'SMG4',
          'it holds the URL of a database outside the stack: rotate the password there, then here',
        );
      }
      this.environment = { [SECRET_SETTINGS.postgres]: secret.secretArn };
      this.grantWrite = (grantee) => {
        secret.grantRead(grantee);
      };
    }
  }
}
