import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

export type CustomResourceOutcome = { status: 'SUCCESS' | 'FAILED'; reason?: string };

/** Sends a custom resource's outcome to CloudFormation's pre-signed ResponseURL. */
export type ResponseSender = (url: string, body: string) => Promise<void>;

export const putResponse: ResponseSender = async (url, body) => {
  // The pre-signed URL was signed without a content type: sending one would break the signature.
  const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation refused the response: ${response.status}`);
};

/**
 * A CloudFormation custom resource handler without the Provider framework: runs `work` and always
 * answers CloudFormation (a handler that throws without answering leaves the stack waiting an
 * hour), with the error's message as the reason.
 */
export function customResourceHandler(
  work: (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>,
  send: ResponseSender = putResponse,
) {
  return async (event: CloudFormationCustomResourceEvent, context: Context): Promise<void> => {
    let outcome: CustomResourceOutcome;
    try {
      await work(event, context);
      outcome = { status: 'SUCCESS' };
    } catch (error) {
      outcome = { status: 'FAILED', reason: (error as Error).message.slice(0, 1000) };
    }
    const physicalId =
      event.RequestType === 'Create' ? event.LogicalResourceId : event.PhysicalResourceId;
    await send(
      event.ResponseURL,
      JSON.stringify({
        Status: outcome.status,
        Reason: outcome.reason ?? `see log stream ${context.logStreamName}`,
        PhysicalResourceId: physicalId,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
      }),
    );
  };
}
