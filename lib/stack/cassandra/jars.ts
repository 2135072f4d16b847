import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '../../config/env-values.ts';
import { DependencyFetchError } from '../errors.ts';
import { requireMaven } from '../toolchain.ts';

/** The Apache Cassandra release the local node runs (`org.apache.cassandra:cassandra-all`). */
export const CASSANDRA_VERSION = '5.0.9';

const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));

/** True once every jar of this version has been copied into `libDir`. */
export function hasCassandraJars(libDir: string): boolean {
  return existsSync(completionMarker(libDir));
}

function completionMarker(libDir: string): string {
  return join(libDir, `.complete-${CASSANDRA_VERSION}`);
}

/**
 * Copies cassandra-all and its runtime dependencies into `libDir` with Maven, once. Maven's own
 * repository (~/.m2) caches the downloads; `libDir` is replaced whole, so a failed fetch leaves
 * nothing half-copied behind.
 */
export async function ensureCassandraJars(
  libDir: string,
  env: Env,
  report: (line: string) => void,
): Promise<'cached' | 'fetched'> {
  if (hasCassandraJars(libDir)) return 'cached';
  const mvn = requireMaven(env);
  const started = Date.now();
  report(`Fetching Apache Cassandra ${CASSANDRA_VERSION} jars with Maven (one time, about 70 MB)`);
  const staging = `${libDir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  await runMaven(mvn, env, staging, report);
  writeFileSync(completionMarker(staging), `${new Date().toISOString()}\n`);
  rmSync(libDir, { recursive: true, force: true });
  renameSync(staging, libDir);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  report(`Fetched ${readdirSync(libDir).length - 1} jars into ${libDir} in ${seconds} s`);
  return 'fetched';
}

function runMaven(
  mvn: string,
  env: Env,
  outputDir: string,
  report: (line: string) => void,
): Promise<void> {
  const args = [
    '-B',
    '-f',
    POM,
    `-Dcassandra.version=${CASSANDRA_VERSION}`,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outputDir}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(mvn, args, { env: env as NodeJS.ProcessEnv });
    const output: string[] = [];
    let downloaded = 0;
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        output.push(line);
        if (line.includes('Downloaded from')) downloaded += 1;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const ticker = setInterval(() => report(`  … ${downloaded} files downloaded so far`), 5000);
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new DependencyFetchError('the Cassandra jars', output.slice(-30).join('\n')));
    });
  });
}
