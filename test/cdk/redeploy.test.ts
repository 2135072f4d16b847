import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectFiles } from '../../cli/init/project-files.ts';
import { deploy } from './deployment.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Resource types CloudFormation can import, so adopt on deploy when a retained copy exists
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import-supported-resources.html),
 * with the property that names each.
 */
const IMPORTABLE_NAME: Record<string, string[]> = {
  'AWS::Cassandra::Keyspace': ['KeyspaceName'],
  'AWS::Cassandra::Table': ['KeyspaceName', 'TableName'],
  'AWS::Kinesis::Stream': ['Name'],
};
/** Properties that give other retained types a fixed name a second deploy would collide with. */
const NAME_PROPERTIES = ['BucketName', 'Name', 'TableName', 'KeyspaceName', 'SecretName'];

type Resource = { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> };

const SETTINGS = {
  name: 'app',
  cassflow: '^0.1.0',
  cdkApp: 'node_modules/cassflow/cdk/app.js',
  versions: {
    'aws-cdk': '1',
    'aws-cdk-lib': '1',
    'cdk-nag': '1',
    constructs: '1',
    esbuild: '1',
    typescript: '1',
    vitest: '1',
  },
};

describe('cdk deploy after cdk destroy (retained resources)', () => {
  it('GIVEN the resources cdk destroy keeps THEN each is either unnamed or named statically and importable', () => {
    for (const props of [{ keyspace: 'analytics' }, {}]) {
      const { template } = deploy(props);
      const resources = template.toJSON().Resources as Record<string, Resource>;
      const kept = Object.entries(resources).filter(([, r]) => r.DeletionPolicy === 'Retain');
      expect(kept.map(([, r]) => r.Type)).toContain('AWS::Cassandra::Table');
      for (const [id, r] of kept) {
        const names = IMPORTABLE_NAME[r.Type];
        if (names) {
          // Auto-import needs the name as a literal: no Ref, no Fn::Join.
          for (const name of names)
            expect(typeof r.Properties?.[name], `${id}.${name}`).toBe('string');
        } else {
          const named = NAME_PROPERTIES.filter((p) => r.Properties?.[p] !== undefined);
          expect(named, `${id} (${r.Type}) keeps a fixed name`).toEqual([]);
        }
      }
    }
  });

  it('GIVEN the docs and the project init makes THEN every cdk deploy adopts what a destroy kept, with a flag the installed CLI knows', async () => {
    const docs = ['README.md', 'docs/deploying.md'].map((f) => readFileSync(join(ROOT, f), 'utf8'));
    const deploys = docs
      .join('\n')
      .split('\n')
      .filter((line) => /^npx cdk deploy\b/.test(line));
    const template = JSON.parse(projectFiles(SETTINGS)['package.json'] as string);
    deploys.push(template.scripts.deploy);
    expect(deploys.length).toBeGreaterThan(1);
    for (const line of deploys) expect(line).toContain('--import-existing-resources');
    const { stdout } = await promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'cdk'),
      ['deploy', '--help'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
        },
        timeout: 60_000,
      },
    );
    expect(stdout).toContain('--import-existing-resources');
  });
});
