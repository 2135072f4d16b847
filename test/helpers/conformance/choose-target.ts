import { emulatorTarget } from './emulator-target.ts';
import type { ConformanceTarget } from './target.ts';

/**
 * The emulator, unless CASSFLOW_CONFORMANCE_TARGET=localstack (then LOCALSTACK_ENDPOINT, by
 * default http://localhost:4566): docs/event-source-conformance.md.
 */
export async function conformanceTarget(): Promise<ConformanceTarget> {
  const chosen = process.env.CASSFLOW_CONFORMANCE_TARGET ?? 'emulator';
  if (chosen === 'emulator') return emulatorTarget();
  if (chosen === 'localstack') {
    const { localstackTarget } = await import('./localstack-target.ts');
    return localstackTarget(process.env.LOCALSTACK_ENDPOINT ?? 'http://localhost:4566');
  }
  throw new Error(
    `CASSFLOW_CONFORMANCE_TARGET=${chosen}: expected emulator or localstack (docs/event-source-conformance.md)`,
  );
}
