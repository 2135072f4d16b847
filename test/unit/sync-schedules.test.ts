import { describe, expect, it } from 'vitest';
import { resolveConfig } from '#lib/config/config';
import { syncSchedules } from '#lib/emulator/runtime/sync-schedules';
import { EXAMPLE_PIPELINES } from '../../examples/index.ts';

describe('sync jobs in the local runtime', () => {
  it('become scheduled functions on their own schedules', () => {
    const jobs = syncSchedules(resolveConfig({}), [...EXAMPLE_PIPELINES.values()], 'ERROR');
    expect(jobs.map((j) => [j.name, j.schedule])).toEqual([
      ['page-views-to-s3', 'rate(5 minutes)'],
      ['page-view-log-to-postgres', 'cron(0 * * * ? *)'],
    ]);
    expect(jobs.every((j) => typeof j.handler === 'function')).toBe(true);
  });
});
