import { withSecrets } from '#lib/lambda/secret-env';
import { syncFunction } from '#lib/lambda/sync-function';
import { EXAMPLE_PIPELINES } from '../examples/index.ts';

/** EventBridge schedule → one run of the sync job CASSFLOW_SYNC_JOB names (resumes across runs). */
export const handler = syncFunction(EXAMPLE_PIPELINES, await withSecrets(process.env));
