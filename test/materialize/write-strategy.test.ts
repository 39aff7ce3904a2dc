import { describe, expect, it } from 'vitest';
import type { AdapterCapabilities } from '../../src/adapters/adapter.js';
import {
  chooseWriteStrategy,
  mayWriteDifference,
  type CatalogFacts,
  type WriteSubject,
} from '../../src/materialize/write-strategy.js';

// Capabilities written out here rather than taken from an engine: the choice is a pure function of them.
const transactional: AdapterCapabilities = {
  transactionalDdl: true,
  externalSources: 'loaded-table',
  renameTable: true,
  freeQueries: true,
  tableDifference: true,
};
const icebergLike: AdapterCapabilities = {
  transactionalDdl: false,
  externalSources: 'external-table',
  renameTable: true,
  mergeInto: true,
};

const table: WriteSubject = { kind: 'model', materialized: 'table' };
const view: WriteSubject = { kind: 'model', materialized: 'view' };
const incremental: WriteSubject = { kind: 'model', materialized: 'incremental' };
const facts = (extra: Partial<CatalogFacts> = {}): CatalogFacts => ({
  existing: undefined,
  fullRefresh: false,
  ...extra,
});

describe('choosing how a node is written, without an engine', () => {
  it('loads landing files into a table where sources are loaded, and declares an external table elsewhere', () => {
    expect(chooseWriteStrategy({ kind: 'source' }, facts(), transactional)).toEqual({ kind: 'load-landing-files' });
    expect(chooseWriteStrategy({ kind: 'source' }, facts({ existing: 'table' }), icebergLike)).toEqual({
      kind: 'declare-external-table',
    });
  });

  it('adds the new rows of an incremental model to its existing table, on either kind of engine', () => {
    for (const capabilities of [transactional, icebergLike]) {
      expect(chooseWriteStrategy(incremental, facts({ existing: 'table' }), capabilities)).toEqual({
        kind: 'add-rows',
      });
    }
  });

  it('builds an incremental model as a table the first time, with --full-refresh, and where a view stands', () => {
    expect(chooseWriteStrategy(incremental, facts(), transactional)).toEqual({
      kind: 'replace',
      materialized: 'table',
    });
    expect(chooseWriteStrategy(incremental, facts({ existing: 'table', fullRefresh: true }), transactional)).toEqual({
      kind: 'replace',
      materialized: 'table',
    });
    expect(chooseWriteStrategy(incremental, facts({ existing: 'view' }), transactional)).toEqual({
      kind: 'replace',
      materialized: 'table',
    });
  });

  it('writes only the difference into an existing table whose columns are unchanged, where the engine makes that cheap', () => {
    expect(mayWriteDifference(table, facts({ existing: 'table' }), transactional)).toBe(true);
    expect(chooseWriteStrategy(table, facts({ existing: 'table', sameColumns: true }), transactional)).toEqual({
      kind: 'write-difference',
    });
  });

  it('rebuilds the table when its columns changed, or were not compared', () => {
    expect(chooseWriteStrategy(table, facts({ existing: 'table', sameColumns: false }), transactional)).toEqual({
      kind: 'replace',
      materialized: 'table',
    });
    expect(chooseWriteStrategy(table, facts({ existing: 'table' }), transactional)).toEqual({
      kind: 'replace',
      materialized: 'table',
    });
  });

  it('never compares columns for a first build, --full-refresh, a view, an incremental model, a seed, or on an engine without the ability', () => {
    expect(mayWriteDifference(table, facts(), transactional)).toBe(false);
    expect(mayWriteDifference(table, facts({ existing: 'table', fullRefresh: true }), transactional)).toBe(false);
    expect(mayWriteDifference(view, facts({ existing: 'view' }), transactional)).toBe(false);
    expect(mayWriteDifference(incremental, facts({ existing: 'table' }), transactional)).toBe(false);
    expect(mayWriteDifference({ kind: 'seed' }, facts({ existing: 'table' }), transactional)).toBe(false);
    expect(mayWriteDifference(table, facts({ existing: 'table' }), icebergLike)).toBe(false);
    expect(mayWriteDifference(table, facts({ existing: 'table' }), { ...transactional, transactionalDdl: false })).toBe(
      false,
    );
  });

  it('replaces views and seeds whole', () => {
    expect(chooseWriteStrategy(view, facts({ existing: 'view' }), transactional)).toEqual({
      kind: 'replace',
      materialized: 'view',
    });
    expect(
      chooseWriteStrategy({ kind: 'seed' }, facts({ existing: 'table', sameColumns: true }), transactional),
    ).toEqual({ kind: 'replace', materialized: 'table' });
  });
});
