import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readNagReport } from './deployment.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** Resource counts by type, as the note and the README list them. */
function countByType(template: { Resources: Record<string, { Type: string }> }) {
  const counts: Record<string, number> = {};
  for (const r of Object.values(template.Resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  return counts;
}

describe('npx cdk synth (the example app, bundled with the local esbuild)', () => {
  it('GIVEN no AWS access WHEN cdk synth runs THEN it bundles every function and cdk-nag finds nothing unsuppressed', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cassflow-synth-'));
    const { stdout, stderr } = await run(
      join(ROOT, 'node_modules', '.bin', 'cdk'),
      ['synth', '--no-notices', '--no-version-reporting', '-o', out, '--quiet'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ACCESS_KEY_ID: '',
          AWS_PROFILE: '',
        },
        timeout: 240_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const template = JSON.parse(readFileSync(join(out, 'Cassflow.template.json'), 'utf8'));
    const counts = countByType(template);
    console.log(`cdk synth: ${JSON.stringify(counts)}`);
    expect(counts).toMatchObject({
      'AWS::Lambda::Function': 5,
      'AWS::Lambda::EventSourceMapping': 2,
      'AWS::Cassandra::Table': 12,
      'AWS::Events::Rule': 3,
      'Custom::CassflowSchema': 1,
    });
    // Each function's code is a bundle esbuild wrote: an ESM file with its source map.
    const assets = JSON.parse(readFileSync(join(out, 'Cassflow.assets.json'), 'utf8'));
    const bundles = Object.values(assets.files as Record<string, { source: { path: string } }>)
      .map((f) => f.source.path)
      .filter((p) => p.startsWith('asset.'));
    // One bundle per kind (aggregate, sink, sync, schema): the two sync jobs share theirs.
    expect(bundles).toHaveLength(4);
    for (const bundle of bundles) {
      const code = readFileSync(join(out, bundle, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
      expect(readFileSync(join(out, bundle, 'index.mjs.map'), 'utf8')).toContain('"mappings"');
    }
    const [nag] = readNagReport(out).pluginReports;
    expect(nag?.violations).toEqual([]);
    expect(`${stdout}${stderr}`).not.toMatch(/ERROR|Synthesis finished with errors/);
  }, 300_000);
});
