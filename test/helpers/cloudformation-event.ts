import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

/** A custom resource request for the schema step, and a Lambda context with `remainingMs` left. */
export function cloudFormationEvent(
  type: 'Create' | 'Update' | 'Delete',
  remainingMs: number,
): [CloudFormationCustomResourceEvent, Context] {
  const event = {
    RequestType: type,
    ResponseURL: 'https://cloudformation-response.example/put',
    StackId: 'stack-1',
    RequestId: 'req-1',
    LogicalResourceId: 'SchemaResource',
    ResourceType: 'Custom::CassflowSchema',
    ServiceToken: 'arn:fn',
    ResourceProperties: { ServiceToken: 'arn:fn' },
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'SchemaResource' }),
  } as CloudFormationCustomResourceEvent;
  const context = {
    getRemainingTimeInMillis: () => remainingMs,
    logStreamName: 'log-1',
  } as Context;
  return [event, context];
}
