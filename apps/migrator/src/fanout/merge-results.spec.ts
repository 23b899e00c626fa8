import { formatSummary } from '../report/summary';
import { mergeResults } from './merge-results';
import type { TargetResult } from './target-result';

const result = (fields: Partial<TargetResult>): TargetResult => ({
  database: 'sysmanage_registry',
  server: 'db:5432',
  tenant: null,
  chains: ['registry'],
  status: 'up-to-date',
  applied: [],
  pending: [],
  error: null,
  errorCode: null,
  durationMs: 100,
  version: null,
  checked: null,
  ...fields,
});

describe('mergeResults', () => {
  it('folds two steps on one database into one result with the worse status', () => {
    const merged = mergeResults([
      result({ chains: ['registry'], status: 'migrated', applied: ['R1'] }),
      result({
        database: 'sysmanage_shared',
        chains: ['shared'],
        status: 'failed',
        error: 'boom',
        errorCode: 'MIGRATION_FAILED',
      }),
      result({
        chains: ['tenant'],
        status: 'skipped',
        error: 'sysmanage_shared failed before it',
        durationMs: 0,
      }),
    ]);
    expect(merged).toEqual([
      result({
        chains: ['registry', 'tenant'],
        status: 'skipped',
        applied: ['R1'],
        error: 'sysmanage_shared failed before it',
        durationMs: 100,
      }),
      result({
        database: 'sysmanage_shared',
        chains: ['shared'],
        status: 'failed',
        error: 'boom',
        errorCode: 'MIGRATION_FAILED',
      }),
    ]);
  });

  it('keeps tenants on the same server apart', () => {
    const merged = mergeResults([
      result({ database: 'tenant_a', tenant: 'a' }),
      result({ database: 'tenant_b', tenant: 'b' }),
    ]);
    expect(merged).toHaveLength(2);
  });
});

describe('formatSummary', () => {
  it('counts databases by outcome', () => {
    const results = [
      result({ status: 'migrated' }),
      result({ status: 'up-to-date' }),
      result({ status: 'up-to-date' }),
    ];
    expect(formatSummary(results, 1234, false)).toBe(
      '3 databases: 1 migrated, 2 up to date, 0 failed in 1.2 s',
    );
  });

  it('mentions skipped databases and the dry run', () => {
    const results = [
      result({ status: 'pending' }),
      result({ status: 'failed' }),
      result({ status: 'skipped' }),
    ];
    expect(formatSummary(results, 50, true)).toBe(
      '3 databases: 1 with pending migrations, 0 up to date, 1 failed, 1 skipped in 0.1 s (dry run: nothing applied)',
    );
    expect(formatSummary([result({})], 0, false)).toBe(
      '1 database: 0 migrated, 1 up to date, 0 failed in 0.0 s',
    );
  });
});
