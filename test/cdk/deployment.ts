import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { AnyPipeline } from 'cassflow';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CassflowStack, type CassflowStackProps } from '../../cdk/cassflow-stack.ts';
import { renderTemplateValue } from '../../cdk/nag.ts';
import examples from '../../examples/index.ts';

export const EXAMPLE_FILE = 'examples/index.ts';
export const EXAMPLES: AnyPipeline[] = examples;
export const ENV = { account: '123456789012', region: 'eu-west-1' };

/**
 * Synthesizes a CassflowStack without bundling (fast), with cdk-nag's AwsSolutions checks when
 * `nag` is set; `before` may add constructs (a VPC stack) the props then refer to.
 */
export function deploy(
  props: Partial<CassflowStackProps> = {},
  options: { nag?: boolean; before?: (app: App) => Partial<CassflowStackProps> } = {},
) {
  const outdir = mkdtempSync(join(tmpdir(), 'cassflow-cdk-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const extra = options.before?.(app) ?? {};
  const stack = new CassflowStack(app, 'Test', {
    env: ENV,
    pipelineFile: EXAMPLE_FILE,
    pipelines: EXAMPLES,
    ...props,
    ...extra,
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir };
}

export type NagReport = {
  pluginReports: {
    conclusion: string;
    violations: { ruleName: string }[];
    suppressedViolations: { ruleName: string; reason: string }[];
  }[];
};

/** The validation report `synth` writes (cdk-nag's findings, suppressed or not). */
export function readNagReport(outdir: string): NagReport {
  return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as NagReport;
}

/** A template value as text, references written `<Name>` as cdk-nag does (e.g. `<AWS::Partition>`). */
export const text = renderTemplateValue;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** The policy statements of the role of the function whose logical id starts with `prefix`. */
export function statementsOf(template: Template, prefix: string): Statement[] {
  const functions = template.findResources('AWS::Lambda::Function');
  const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(prefix)) ?? [];
  if (!fn) throw new Error(`no function ${prefix}`);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** Every resource (as text) the statements allow `action` on, sorted. */
export function resourcesFor(statements: Statement[], action: string): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action))
    .flatMap((s) => [s.Resource].flat().map(text))
    .sort();
}
