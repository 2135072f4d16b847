/** What `cassflow init` writes into a new project: its files by path, and their text. */
export type ProjectSettings = {
  /** The package name (the folder's name, made fit for npm). */
  name: string;
  /** How package.json names cassflow: '^0.1.0', 'file:../cassflow-0.1.0.tgz', ... */
  cassflow: string;
  /** The CDK app's entry inside node_modules/cassflow (compiled, or a checkout's source). */
  cdkApp: string;
  /** Version ranges of the tools the project uses (aws-cdk-lib, vitest, ...). */
  versions: Readonly<Record<(typeof DEV_TOOLS)[number], string>>;
};

/** The project's devDependencies: the CDK and its bundler to deploy, vitest and tsc to test. */
export const DEV_TOOLS = [
  'aws-cdk',
  'aws-cdk-lib',
  'cdk-nag',
  'constructs',
  'esbuild',
  'typescript',
  'vitest',
] as const;

export function projectFiles(settings: ProjectSettings): Record<string, string> {
  return {
    'package.json': `${JSON.stringify(packageJson(settings), null, 2)}\n`,
    'pipeline.ts': PIPELINE,
    'pipeline.test.ts': PIPELINE_TEST,
    'cdk.json': `${JSON.stringify(cdkJson(settings), null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(TSCONFIG, null, 2)}\n`,
    '.gitignore': 'node_modules/\ncdk.out/\n.cache/\n',
    'README.md': readme(settings.name),
  };
}

function packageJson({ name, cassflow, versions }: ProjectSettings) {
  return {
    name,
    private: true,
    type: 'module',
    engines: { node: '>=22.18' },
    scripts: {
      start: 'cassflow demo pipeline.ts',
      dev: 'cassflow run pipeline.ts',
      query: 'cassflow query --pipeline ./pipeline.ts --all',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
      synth: 'cdk synth',
      // Adopts the tables and stream a `cdk destroy` kept (docs/deploying.md).
      deploy: 'cdk deploy --import-existing-resources',
    },
    dependencies: { cassflow },
    devDependencies: Object.fromEntries(DEV_TOOLS.map((tool) => [tool, versions[tool]])),
  };
}

function cdkJson({ cdkApp }: ProjectSettings) {
  return { app: `node ${cdkApp}`, context: { 'cassflow:pipelines': 'pipeline.ts' } };
}

const TSCONFIG = {
  compilerOptions: {
    target: 'es2023',
    module: 'nodenext',
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
  },
};

const PIPELINE = `import { avg, count, definePipeline, quantile, tumbling } from 'cassflow';

/** A page view, as producers put it on the page-views stream. */
export type PageView = { page: string; user: string; ts: number; ms: number };

/** Views per page and minute, with the mean and 95th-percentile latency. */
export default definePipeline<PageView>()({
  name: 'page_views',
  source: { stream: 'page-views' },
  key: 'page',
  time: 'ts',
  windows: [tumbling('1m')],
  aggregates: { views: count(), mean_ms: avg('ms'), p95_ms: quantile('ms', 0.95) },
  lateness: { outOfOrder: '5s', allowed: '1m' },
});
`;

const PIPELINE_TEST = `import { testPipeline } from 'cassflow/testing';
import { describe, expect, it } from 'vitest';
import pageViews from './pipeline.ts';

const at = (time: string) => Date.parse(\`2026-01-01T00:\${time}Z\`);

describe('page views', () => {
  it('counts the views of each page per minute', async () => {
    const { windows, deadLetters } = await testPipeline(pageViews, [
      { page: '/home', user: 'u1', ts: at('00:10'), ms: 80 },
      { page: '/home', user: 'u2', ts: at('00:40'), ms: 120 },
      { page: '/home', user: 'u1', ts: at('01:05'), ms: 100 },
    ]);
    expect(windows.map((w) => [w.key, w.values.views, w.values.mean_ms])).toEqual([
      ['/home', 2n, 100],
      ['/home', 1n, 100],
    ]);
    expect(deadLetters).toEqual([]);
  });
});
`;

function readme(name: string): string {
  return `# ${name}

A [cassflow](https://www.npmjs.com/package/cassflow) pipeline: page views per page and minute,
counted exactly once from a Kinesis stream into Apache Cassandra or Amazon Keyspaces.

| command | what it does |
| --- | --- |
| \`npm test\` | runs \`pipeline.test.ts\`: the pipeline in memory, no servers |
| \`npm run typecheck\` | checks the types: field names against \`PageView\`, results against the aggregates |
| \`npm start\` | starts the local stack (Cassandra and a Kinesis emulator; Java 17 and Maven needed), sends generated page views, waits until their windows are final and checks every count |
| \`npm run dev\` | runs the pipeline locally until Ctrl-C; send events with \`npx cassflow send --stream page-views --file events.jsonl\` |
| \`npm run query\` | prints the windows (with the local stack up) |
| \`npm run deploy\` | deploys to AWS with the CDK (\`npm run synth\` to see the template first) |

Edit \`pipeline.ts\` to change what is counted; \`npx cassflow --help\` lists every command.
`;
}
