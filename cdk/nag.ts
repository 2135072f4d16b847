import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Accepts a cdk-nag AWS Solutions finding on `scope` (and what it contains), with the reason it
 * is right here. `finding` is the rule, optionally with the finding's detail, e.g.
 * `IAM5[Resource::*]`.
 */
export function acceptFinding(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${finding}`, reason });
}

/**
 * A value as cdk-nag shows it in a finding's detail: references as `<AWS::Partition>` or
 * `<LogicalId.Arn>`, literals as they are. Lets a resource's own code accept a wildcard finding
 * on an ARN it builds, without knowing its logical ids.
 */
export function nagText(scope: IConstruct, value: string): string {
  return renderTemplateValue(Stack.of(scope).resolve(value));
}

/** A resolved template value as text: `{Ref: X}` as `<X>`, `{Fn::GetAtt: [L, A]}` as `<L.A>`. */
export function renderTemplateValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(renderTemplateValue).join('');
  const object = value as Record<string, unknown>;
  if ('Ref' in object) return `<${String(object.Ref)}>`;
  if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(renderTemplateValue).join(separator);
  }
  return JSON.stringify(value);
}
