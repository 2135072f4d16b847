import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { PipelineStream, type PipelineStreamProps } from '../../cdk/constructs/pipeline-stream.ts';

function synth(props: Omit<PipelineStreamProps, 'encryptionKey'>, customerKey = false) {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');
  new PipelineStream(stack, 'Source', {
    ...props,
    ...(customerKey ? { encryptionKey: new Key(stack, 'Key', { enableKeyRotation: true }) } : {}),
  });
  return Template.fromStack(stack);
}

describe('PipelineStream', () => {
  it('GIVEN no capacity WHEN synthesized THEN the stream is on-demand, encrypted with the AWS key, kept on delete', () => {
    const template = synth({ streamName: 'page-views' });
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'page-views',
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 24,
    });
    const [stream] = Object.values(template.findResources('AWS::Kinesis::Stream'));
    expect(stream?.DeletionPolicy).toBe('Retain');
    expect(stream?.Properties.ShardCount).toBeUndefined();
  });

  it('GIVEN shards, retention and a customer key THEN the stream uses all three', () => {
    const template = synth(
      { streamName: 's', capacity: { shards: 4 }, retention: Duration.days(7) },
      true,
    );
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 168,
    });
    const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
  });
});
