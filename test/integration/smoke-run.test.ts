import { describe, expect, it } from 'vitest';
import { runSmoke } from '#lib/demo/smoke-run';
import { integrationConfig } from '../helpers/integration-config.ts';

describe('the smoke run (main job until aggregation lands)', () => {
  it('puts records, reads each back exactly once, and advances checkpoints with LWT', async () => {
    const config = integrationConfig();
    const report: string[] = [];

    const first = await runSmoke(config, (l) => report.push(l), 150);
    const second = await runSmoke(config, (l) => report.push(l), 40);

    expect(first).toMatchObject({ put: 150, read: 150, shards: 2, staleWriteRejected: true });
    // The second run starts from the first run's checkpoints: it reads only its own 40.
    expect(second).toMatchObject({ put: 40, read: 40, staleWriteRejected: true });
    expect(report.join('\n')).toMatch(/Read back all 40 records exactly once/);
  });
});
