import { ProjectError } from '../../errors.js';
import type { Permission } from '@aws-sdk/client-lakeformation';
import type { Relation } from '../../core/nodes.js';

/** One Lake Formation GrantPermissions request: a principal, a Glue table, the permissions. */
export interface LakeFormationGrant {
  Principal: { DataLakePrincipalIdentifier: string };
  Resource: { Table: { CatalogId?: string; DatabaseName: string; Name: string } };
  Permissions: Permission[];
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
  const byPrincipal = new Map<string, Permission[]>();
  for (const [privilege, principals] of Object.entries(grants)) {
    if (!TABLE_PERMISSIONS.has(privilege))
      problems.push(`'${privilege}' is not a Lake Formation table permission (${[...TABLE_PERMISSIONS].join(', ')})`);
    for (const principal of principals) {
      if (!PRINCIPAL.test(principal))
        problems.push(
          `'${principal}' is not a Lake Formation principal: name an IAM role or user by its ARN (arn:aws:iam::<account>:role/<name>)`,
        );
      byPrincipal.set(principal, [...(byPrincipal.get(principal) ?? []), privilege.toUpperCase() as Permission]);
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

/**
 * A GrantPermissions sender for a region, through the AWS SDK's Lake Formation client, loaded only when a model on an
 * Athena target has grants (start-up stays light for everyone else).
 */
export async function newLakeFormationSend(
  region: string,
): Promise<{ send: LakeFormationGrantSend; destroy: () => void }> {
  const { LakeFormationClient, GrantPermissionsCommand } = await import('@aws-sdk/client-lakeformation');
  // Retries are the adapter's (one policy for every AWS call), as for Athena and S3.
  const client = new LakeFormationClient({ region, maxAttempts: 1 });
  return {
    send: (grant) => client.send(new GrantPermissionsCommand(grant)),
    destroy: () => client.destroy(),
  };
}
