import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { deploy, ENV, readNagReport, resourcesFor, statementsOf } from './deployment.ts';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cassandra-creds-AbCdEf';

describe('CassflowStack on a self-managed Cassandra', () => {
  const { template, outdir, app } = deploy(
    {},
    {
      nag: true,
      before: (scope) => {
        const network = new Stack(scope, 'Network', { env: ENV });
        const vpc = new Vpc(network, 'Vpc', { maxAzs: 2 });
        vpc.addFlowLog('FlowLog');
        return {
          store: {
            kind: 'cassandra',
            vpc,
            contactPoints: ['10.0.1.10', '10.0.2.10'],
            localDataCenter: 'dc1',
            credentialsSecretArn: SECRET,
            clusterCidr: '10.0.0.0/16',
          },
        };
      },
    },
  );
  app.synth();

  it('GIVEN a self-managed store THEN no Keyspaces resources exist and no function gets cassandra:* IAM', () => {
    template.resourceCountIs('AWS::Cassandra::Keyspace', 0);
    template.resourceCountIs('AWS::Cassandra::Table', 0);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const actions = policies.flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) =>
        [s.Action].flat(),
      ),
    );
    expect(actions.filter((a: string) => a.startsWith('cassandra:'))).toEqual([]);
  });

  it('GIVEN the cluster settings THEN every function gets them and reads the credentials from the secret', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        CASSFLOW_STORE: 'cassandra',
        CASSANDRA_CONTACT_POINTS: '10.0.1.10,10.0.2.10',
        CASSANDRA_LOCAL_DC: 'dc1',
        CASSANDRA_PORT: '9042',
        CASSANDRA_SECRET_ARN: SECRET,
        CASSANDRA_TLS: 'true',
      });
      expect(fn.Properties.Environment.Variables.CASSANDRA_PASSWORD).toBeUndefined();
      expect(resourcesFor(statementsOf(template, id), 'secretsmanager:GetSecretValue')).toEqual(
        expect.arrayContaining([SECRET]),
      );
    }
  });

  it('GIVEN the VPC THEN the functions run in its private subnets with egress to CQL and HTTPS only', () => {
    const [sgId] = Object.keys(template.findResources('AWS::EC2::SecurityGroup'));
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual([
        { 'Fn::GetAtt': [sgId, 'GroupId'] },
      ]);
      expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: Match.arrayEquals([
        Match.objectLike({
          CidrIp: '10.0.0.0/16',
          FromPort: 9042,
          ToPort: 9042,
          IpProtocol: 'tcp',
        }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      ]),
    });
  });

  it('GIVEN functions in a VPC THEN their roles may manage their network interfaces', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(5);
    for (const role of roles) {
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
        'service-role/AWSLambdaVPCAccessExecutionRole',
      );
    }
  });

  it('GIVEN the schema step THEN it creates the tables over CQL before the mappings start', () => {
    template.resourceCountIs('Custom::CassflowSchema', 1);
    const [schemaId] = Object.keys(template.findResources('Custom::CassflowSchema'));
    for (const mapping of Object.values(
      template.findResources('AWS::Lambda::EventSourceMapping'),
    )) {
      expect(mapping.DependsOn).toContain(schemaId);
    }
  });

  it('GIVEN cdk-nag AwsSolutions THEN nothing is unsuppressed and every suppression has a reason', () => {
    const report = readNagReport(outdir).pluginReports[0];
    expect(report?.violations.map((v) => v.ruleName)).toEqual([]);
    for (const s of report?.suppressedViolations ?? []) expect(s.reason.length).toBeGreaterThan(30);
  });
});
