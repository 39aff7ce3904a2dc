import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { GrantPermissionsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AthenaAdapter } from '../../src/adapters/athena/athena-adapter.js';
import { GrantsConfigError, type LakeFormationGrant } from '../../src/adapters/athena/lake-formation-grants.js';
import { cli, copyStediProject } from '../helpers/stedi-project.js';
import { ATHENA_ARGS, ATHENA_ENV, athenaTestTarget } from './athena-test-target.js';
import { FakeAthena } from './fake-athena.js';

// What the CLI runs sent to Lake Formation, through the SDK's own client (its send is mocked, its command built for real).
const granted: LakeFormationGrant[] = [];
const lakeFormation = mockClient(LakeFormationClient);

const ENV = ATHENA_ENV;
const ARGS = ATHENA_ARGS;
const ANALYSTS = 'arn:aws:iam::123456789012:role/analysts';
const AUDITOR = 'arn:aws:iam::123456789012:role/auditor';

let fake: FakeAthena;
beforeEach(() => {
  fake = new FakeAthena();
  granted.length = 0;
  lakeFormation.reset();
  lakeFormation.on(GrantPermissionsCommand).callsFake(async (input: LakeFormationGrant) => void granted.push(input));
});
afterAll(() => lakeFormation.restore());
afterEach(() => fake.restore());

function withGrants(dir: string): void {
  const file = path.join(dir, 'stedi_project.yml');
  const grants = `    +grants: { select: ['${ANALYSTS}', '${AUDITOR}'], describe: '${AUDITOR}' }\n`;
  writeFileSync(file, readFileSync(file, 'utf8').replace('    +zone: trusted\n', `    +zone: trusted\n${grants}`));
}

describe("dbt's grants on Athena, applied through Lake Formation", () => {
  it('grants again after every rebuild (a new Glue table), and once to an incremental table it then adds to', async () => {
    const dir = copyStediProject();
    withGrants(dir);
    const select = ['customer_trusted', 'accelerometer_trusted'];
    for (let run = 1; run <= 2; run++) {
      const result = await cli(['run', ...ARGS, '--select', ...select], { cwd: dir, env: ENV });
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
    const tables = granted.map(
      (g) => `${g.Resource.Table.Name} ${g.Principal.DataLakePrincipalIdentifier} ${g.Permissions}`,
    );
    expect(tables).toEqual([
      ...['customer_trusted', 'accelerometer_trusted', 'customer_trusted'].flatMap((t) => [
        `${t} ${ANALYSTS} SELECT`,
        `${t} ${AUDITOR} SELECT,DESCRIBE`,
      ]),
    ]);
    expect(granted[0]!.Resource.Table.DatabaseName).toBe('stedi');
  });
});

describe('the Athena adapter sending grants', () => {
  const relation = { schema: 'stedi', identifier: 'customer_trusted' };
  const adapter = (options: ConstructorParameters<typeof AthenaAdapter>[2], maxRetries = 0) =>
    AthenaAdapter.open(athenaTestTarget({ max_retries: maxRetries }), {
      client: new AthenaClient({ region: 'us-east-1' }),
      sleep: async () => undefined,
      ...options,
    });

  it('retries a throttled GrantPermissions under the one retry policy', async () => {
    const sent: LakeFormationGrant[] = [];
    let refusals = 1;
    const send = async (grant: LakeFormationGrant) => {
      if (refusals-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      sent.push(grant);
    };
    await adapter({ lakeFormation: send }, 2).applyGrants(relation, { select: [ANALYSTS] });
    expect(sent).toEqual([
      {
        Principal: { DataLakePrincipalIdentifier: ANALYSTS },
        Resource: { Table: { DatabaseName: 'stedi', Name: 'customer_trusted' } },
        Permissions: ['SELECT'],
      },
    ]);
  });

  it('refuses privileges and grantees Lake Formation does not know, all at once, before sending anything', async () => {
    const send = vi.fn();
    const error = await adapter({ lakeFormation: send })
      .applyGrants(relation, { usage: ['analysts'], select: [ANALYSTS] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrantsConfigError);
    expect((error as Error).message).toContain("'usage' is not a Lake Formation table permission");
    expect((error as Error).message).toContain("'analysts' is not a Lake Formation principal");
    expect(send).not.toHaveBeenCalled();
  });
});
