import { state } from '@aws-sdk/core/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AthenaAdapter } from '../../src/adapters/athena/athena-adapter.js';
import { athenaTestTarget } from './athena-test-target.js';

// That the CLI never loads the SDK at start-up is test/startup/aws-sdk-not-loaded.test.ts (per command module).

describe("the AWS SDK's Node version notice", () => {
  const VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const target = athenaTestTarget({ region: 'eu-west-1', s3_staging_dir: 's3://r/', s3_data_dir: 's3://d' });
  const saved = process.env[VARIABLE];
  afterEach(() => {
    vi.restoreAllMocks();
    if (saved === undefined) delete process.env[VARIABLE];
    else process.env[VARIABLE] = saved;
  });

  /** The SDK's NodeVersionSupportWarning notices while an Athena adapter is opened (the SDK checks once per process). */
  async function noticesWhenOpening(): Promise<unknown[]> {
    state.warningEmitted = false;
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    await AthenaAdapter.open(target).close();
    return emitWarning.mock.calls.filter(([warning]) => String(warning).includes('NodeVersionSupportWarning'));
  }

  it('is not printed on an Athena run', async () => {
    delete process.env[VARIABLE];
    expect(await noticesWhenOpening()).toEqual([]);
  });

  it.runIf(Number(process.versions.node.split('.')[0]) < 22)(
    'is printed under Node 20 when the user asks for it with the variable set to false',
    async () => {
      process.env[VARIABLE] = 'false';
      expect(await noticesWhenOpening()).toHaveLength(1);
    },
  );
});
