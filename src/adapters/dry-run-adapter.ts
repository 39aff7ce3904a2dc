import { ProjectError } from '../errors.js';
import type { EngineInfo } from './engine-definition.js';
import type { Adapter, AdapterCapabilities, Dialect } from './adapter.js';
import type { RelationType, Row, Statement, StatementResult } from '../core/statement.js';

/** `--dry-run` on an engine whose abilities are only known after connecting. */
export class DryRunUnsupportedError extends ProjectError {}

/**
 * Stands in for an engine in `run --dry-run`: the catalog is empty and nothing is sent, so plans are written exactly
 * as a first run would send them, with no credentials and no network.
 */
export class DryRunAdapter implements Adapter {
  readonly type = 'dry-run';
  readonly dialect: Dialect;
  readonly capabilities: AdapterCapabilities;
  /** Every statement that would have been sent, in order. */
  readonly sent: Statement[] = [];

  constructor(engine: EngineInfo) {
    const { definition } = engine;
    if (!definition.plansOffline)
      throw new DryRunUnsupportedError(
        `--dry-run is not available for ${definition.name} targets; run without it (the engine is local).`,
      );
    this.dialect = engine.dialect;
    this.capabilities = definition.capabilities;
  }

  async listRelations(): Promise<Map<string, RelationType>> {
    return new Map();
  }

  async executePlan(statements: readonly Statement[]): Promise<StatementResult[]> {
    this.sent.push(...statements);
    return statements.map(() => ({}));
  }

  async query(sql: string): Promise<Row[]> {
    throw new DryRunUnsupportedError(
      `a dry run sends no queries, so it cannot read results (${sql.slice(0, 60)}...). Run data tests without --dry-run.`,
    );
  }

  async describe(): Promise<Record<string, string>> {
    return { engine: 'dry-run' };
  }

  async close(): Promise<void> {}
}
