import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';

/** A relation's contents in brief: its row count and an order-independent checksum of its rows (sum of row hashes). */
export interface RelationChecksum {
  rows: number;
  checksum: string;
}

/** Every relation of a DuckDB database file by `schema.name`, with its checksum. Opening replays the WAL, as any reader would. */
export async function databaseState(databasePath: string): Promise<Map<string, RelationChecksum>> {
  const adapter = await DuckDbAdapter.open({ path: databasePath, settings: {} }, '/');
  try {
    const relations = await adapter.query(
      `select table_catalog as c, table_schema as s, table_name as t from information_schema.tables where table_catalog = current_database() order by 2, 3`,
    );
    const state = new Map<string, RelationChecksum>();
    for (const { c, s, t } of relations) {
      const name = [c, s, t].map((part) => `"${String(part).replaceAll('"', '""')}"`).join('.');
      const [row] = await adapter.query(
        `select count(*) as n, coalesce(sum(hash(r)), 0)::varchar as h from ${name} as r`,
      );
      state.set(`${String(s)}.${String(t)}`, { rows: Number(row!.n), checksum: String(row!.h) });
    }
    return state;
  } finally {
    await adapter.close();
  }
}

/**
 * Relations whose names mark the unfinished work of a run: a table built beside the old one (`__stedi_tmp_`), parsed
 * landing lines (`__stedi_parsed_`), staged incremental rows (`__stedi_new_`): any `__stedi_` name.
 */
export function temporaryRelations(state: ReadonlyMap<string, unknown>): string[] {
  return [...state.keys()].filter((name) => name.includes('__stedi_'));
}

/** For each relation of `before`: 'old', 'new', or what went wrong ('missing', 'partial'); relations `after` adds are ignored. */
export function compareWithOldAndNew(
  before: ReadonlyMap<string, RelationChecksum>,
  after: ReadonlyMap<string, RelationChecksum>,
  clean: ReadonlyMap<string, RelationChecksum>,
): Map<string, 'old' | 'new' | 'missing' | 'partial'> {
  const verdicts = new Map<string, 'old' | 'new' | 'missing' | 'partial'>();
  for (const [name, old] of before) {
    const now = after.get(name);
    const fresh = clean.get(name);
    if (!now) verdicts.set(name, 'missing');
    else if (now.checksum === old.checksum && now.rows === old.rows) verdicts.set(name, 'old');
    else if (fresh && now.checksum === fresh.checksum && now.rows === fresh.rows) verdicts.set(name, 'new');
    else verdicts.set(name, 'partial');
  }
  return verdicts;
}
