import type { AthenaError } from '@aws-sdk/client-athena';
import { ProjectError, StediError } from '../../errors.js';
import type { Statement } from '../../core/statement.js';
import { StatementFailedError } from '../statement-failed-error.js';
import type { QueryStatistics } from './athena-cost.js';

const CATEGORIES: Record<number, string> = { 1: 'SYSTEM', 2: 'USER', 3: 'OTHER' };

/** Athena's own account of a failed query, in full: StateChangeReason and AthenaError. */
export function describeAthenaFailure(
  queryExecutionId: string,
  reason: string | undefined,
  error: AthenaError | undefined,
): string {
  const lines = [reason ?? 'Athena gave no reason.'];
  if (error) {
    const category =
      error.ErrorCategory === undefined
        ? 'unknown'
        : `${error.ErrorCategory} (${CATEGORIES[error.ErrorCategory] ?? 'unknown'})`;
    lines.push(
      `AthenaError: category ${category}, type ${error.ErrorType ?? 'unknown'}, retryable ${error.Retryable ?? 'unknown'}${error.ErrorMessage && error.ErrorMessage !== reason ? `, message: ${error.ErrorMessage}` : ''}`,
    );
  }
  // A full build of a partitioned table is written in batches; an incremental write is one statement.
  if (/HIVE_TOO_MANY_OPEN_PARTITIONS/.test(`${reason ?? ''} ${error?.ErrorMessage ?? ''}`))
    lines.push(
      'Athena writes at most 100 partitions per query. A full build of a model with partitioned_by is split into batches of at most 100; an incremental write is not: rebuild the model with --full-refresh, or partition it more coarsely.',
    );
  lines.push(`Query execution id: ${queryExecutionId} (see it in the Athena console's query history)`);
  return lines.join('\n');
}

/** Athena ran a statement and it FAILED (a SQL or data problem, or a transient failure that kept recurring). */
export class AthenaQueryFailedError extends StatementFailedError {
  constructor(
    statement: Statement,
    readonly queryExecutionId: string,
    readonly reason: string | undefined,
    readonly athenaError: AthenaError | undefined,
  ) {
    super(statement, describeAthenaFailure(queryExecutionId, reason, athenaError));
  }
}

/**
 * Athena still asked for a statement to be sent again (ICEBERG_VACUUM_MORE_RUNS_NEEDED) after the most runs its plan
 * allows: the table has more files to expire or rewrite than one run waits for.
 */
export class AthenaMoreRunsNeededError extends StatementFailedError {
  constructor(
    statement: Statement,
    runs: number,
    queryExecutionId: string,
    reason: string | undefined,
    athenaError: AthenaError | undefined,
  ) {
    super(
      statement,
      `Athena still answered ${statement.repeatWhile?.error} after ${runs} runs of \`${statement.sql}\`. Each run did part of ` +
        'the work: the next stedi-models run goes on from there, or send the statement again in the Athena console until it succeeds.\n' +
        describeAthenaFailure(queryExecutionId, reason, athenaError),
    );
  }
}

// How Athena words a query it stopped at the workgroup's or its own DML time limit (30 minutes by default).
const TIMEOUT_REASON = /time ?limit|timed? ?out|timeout|exceeded the maximum (allowed|query) (time|duration)/i;

/**
 * A query Athena reports CANCELLED although stedi-models did not stop it: Athena's own DML timeout (its
 * StateChangeReason says so), or someone (the console, another tool) stopping it. It was billed for what it scanned
 * (`statistics`), which the cost report counts.
 */
export class AthenaQueryCancelledError extends StatementFailedError {
  constructor(
    statement: Statement,
    readonly queryExecutionId: string,
    readonly reason: string | undefined,
    readonly statistics: QueryStatistics,
  ) {
    super(statement, cancelledMessage(queryExecutionId, reason));
  }

  /** Athena stopped it at its time limit, rather than someone stopping it. */
  get timedOut(): boolean {
    return TIMEOUT_REASON.test(this.reason ?? '');
  }
}

function cancelledMessage(id: string, reason: string | undefined): string {
  const said = reason ? `: ${reason}` : '';
  if (TIMEOUT_REASON.test(reason ?? ''))
    return (
      `Athena stopped query ${id} at its time limit${said}. DML queries run at most 30 minutes unless the workgroup or ` +
      'a service-quota increase allows more (up to 240). Raise the DML query timeout (Service Quotas, "DML query timeout"), ' +
      'make the model read less per run (an incremental model, a narrower lookback_ms, partitioned_by on the tables it reads), ' +
      'or split it into models built one after another. The data it scanned until then is billed and counted.'
    );
  return `Athena query ${id} was cancelled outside stedi-models (the Athena console, another tool or a workgroup limit)${said}. The data it scanned until then is billed and counted.`;
}

/** Athena kept refusing a request (throttling, internal errors) after every retry. */
export class AthenaRetriesExhaustedError extends StediError {}

/** A request was refused for a reason the user fixes in AWS or in profiles.yml (credentials, access, workgroup...). */
export class AthenaRequestError extends ProjectError {}

const HINTS: Array<[RegExp, string]> = [
  [
    /CredentialsProviderError|Could not load credentials|ExpiredToken|UnrecognizedClient|InvalidSignature/i,
    'Provide AWS credentials through the default provider chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO or an instance role); they never go in profiles.yml. To see the statements without AWS, use --dry-run.',
  ],
  [
    /AccessDenied|not authorized/i,
    'The identity needs athena:StartQueryExecution/GetQueryExecution/GetQueryResults/StopQueryExecution/ListTableMetadata/GetTableMetadata/GetWorkGroup/GetDatabase, Glue access to the database and S3 access to s3_staging_dir, s3_data_dir and the landing prefix (README: "Running on AWS Athena").',
  ],
  [
    /WorkGroup .*(not found|is not found|does not exist)|workgroup/i,
    'Check `workgroup` in profiles.yml (STEDI_ATHENA_WORKGROUP) and that it exists in the target region.',
  ],
  [
    /output location|OutputLocation|s3_staging_dir/i,
    'Set s3_staging_dir (STEDI_S3_STAGING_DIR) to an S3 prefix the identity can write, or give the workgroup a result location.',
  ],
];

/** Wraps an AWS SDK error in the error class the user can act on, keeping the SDK's message in full. */
export function athenaRequestError(action: string, error: unknown): StediError {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const hint = HINTS.find(([pattern]) => pattern.test(`${name} ${message}`))?.[1];
  if (!hint) return new StediError(`Athena ${action} failed: ${name}: ${message}`, { cause: error });
  return new AthenaRequestError(`Athena ${action} failed: ${name}: ${message}\n  ${hint}`, { cause: error });
}
