import { ProjectError } from '../../errors.js';
import type { Relation } from '../../core/nodes.js';

/** One Lake Formation GrantPermissions request: a principal, a Glue table, the permissions. */
export interface LakeFormationGrant {
  Principal: { DataLakePrincipalIdentifier: string };
  Resource: { Table: { CatalogId?: string; DatabaseName: string; Name: string } };
  Permissions: string[];
}

/** Sends one GrantPermissions request (the SDK client's, or a test's). */
export type LakeFormationGrantSend = (grant: LakeFormationGrant) => Promise<unknown>;

/** A `grants` config Lake Formation cannot apply: an unknown privilege, or a grantee that is not a principal. */
export class GrantsConfigError extends ProjectError {}

// Lake Formation's permissions on a table, by dbt's lowercase privilege names.
const TABLE_PERMISSIONS = new Set(['select', 'describe', 'insert', 'delete', 'alter', 'drop', 'all']);
// Lake Formation names principals by ARN (IAM role or user, SAML, QuickSight...), or this group of IAM principals.
const PRINCIPAL = /^(arn:aws[a-z-]*:[a-z0-9-]+:[^\s]*|IAM_ALLOWED_PRINCIPALS)$/;

/**
 * The GrantPermissions requests for a table's `grants`, one per principal (with every permission it gets). Every
 * problem is reported at once, before anything is sent.
 */
export function lakeFormationGrants(
  relation: Relation,
  grants: Readonly<Record<string, readonly string[]>>,
  catalogId?: string,
): LakeFormationGrant[] {
  const problems: string[] = [];
  const byPrincipal = new Map<string, string[]>();
  for (const [privilege, principals] of Object.entries(grants)) {
    if (!TABLE_PERMISSIONS.has(privilege))
      problems.push(`'${privilege}' is not a Lake Formation table permission (${[...TABLE_PERMISSIONS].join(', ')})`);
    for (const principal of principals) {
      if (!PRINCIPAL.test(principal))
        problems.push(
          `'${principal}' is not a Lake Formation principal: name an IAM role or user by its ARN (arn:aws:iam::<account>:role/<name>)`,
        );
      byPrincipal.set(principal, [...(byPrincipal.get(principal) ?? []), privilege.toUpperCase()]);
    }
  }
  if (problems.length > 0)
    throw new GrantsConfigError(
      `grants of ${relation.schema}.${relation.identifier} cannot be applied:\n  ${problems.join('\n  ')}`,
    );
  return [...byPrincipal].map(([principal, permissions]) => ({
    Principal: { DataLakePrincipalIdentifier: principal },
    Resource: {
      Table: {
        ...(catalogId ? { CatalogId: catalogId } : {}),
        DatabaseName: relation.schema.toLowerCase(),
        Name: relation.identifier.toLowerCase(),
      },
    },
    Permissions: permissions,
  }));
}

// Not a dependency of stedi-models yet: loaded only when a model has grants on an Athena target.
const LAKE_FORMATION_SDK = '@aws-sdk/client-lakeformation';

/** A GrantPermissions sender for a region, through the AWS SDK's Lake Formation client. */
export async function newLakeFormationSend(
  region: string,
): Promise<{ send: LakeFormationGrantSend; destroy: () => void }> {
  let sdk: {
    LakeFormationClient: new (config: object) => { send(command: unknown): Promise<unknown>; destroy(): void };
    GrantPermissionsCommand: new (input: LakeFormationGrant) => unknown;
  };
  try {
    sdk = await import(LAKE_FORMATION_SDK);
  } catch (error) {
    throw new ProjectError(
      `a model sets grants, which Athena applies through Lake Formation, and ${LAKE_FORMATION_SDK} is not installed: npm install ${LAKE_FORMATION_SDK}, or remove grants.`,
      { cause: error },
    );
  }
  // Retries are the adapter's (one policy for every AWS call), as for Athena and S3.
  const client = new sdk.LakeFormationClient({ region, maxAttempts: 1 });
  return {
    send: (grant) => client.send(new sdk.GrantPermissionsCommand(grant)),
    destroy: () => client.destroy(),
  };
}
