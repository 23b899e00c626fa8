import { chainHead } from '@sysmanage/schema';
import { MigratorErrorCode } from '../errors/migrator-error';
import type { DatabaseTarget } from '../plan/database-target';
import { migrateTarget } from './migrate-target';

/** A tenant target whose acquire() records the call and then refuses (no database is reached in a unit test). */
function target(fields: Partial<DatabaseTarget>): { target: DatabaseTarget; acquired: () => number } {
  let calls = 0;
  return {
    target: {
      key: 'h:5432/tenant_acme',
      database: 'tenant_acme',
      server: 'h:5432',
      tenant: 'acme',
      chains: ['tenant'],
      acquire: async () => {
        calls += 1;
        throw new Error('lease refused');
      },
      ...fields,
    },
    acquired: () => calls,
  };
}

const record = async (): Promise<void> => undefined;

describe('migrateTarget and the registry record', () => {
  it('a tenant recorded at head is up to date without a lease', async () => {
    const t = target({ registryVersion: { recorded: chainHead('tenant'), record } });
    const result = await migrateTarget(t.target, { dryRun: false, trustRecorded: true });
    expect(result).toMatchObject({
      status: 'up-to-date',
      checked: 'registry',
      version: chainHead('tenant'),
      error: null,
    });
    expect(t.acquired()).toBe(0);
  });

  it('--verify (trustRecorded false) leases even when the record says head', async () => {
    const t = target({ registryVersion: { recorded: chainHead('tenant'), record } });
    const result = await migrateTarget(t.target, { dryRun: false, trustRecorded: false });
    expect(result).toMatchObject({
      status: 'failed',
      error: 'lease refused',
      errorCode: 'UNEXPECTED',
      checked: 'database',
    });
    expect(t.acquired()).toBe(1);
  });

  it('a record behind head (or none) leases', async () => {
    const t = target({ registryVersion: { recorded: 'TenantOlder1000000000000', record } });
    await migrateTarget(t.target, { dryRun: false, trustRecorded: true });
    expect(t.acquired()).toBe(1);
  });

  it('a suspended tenant not recorded at head is skipped with its reason, never leased', async () => {
    const t = target({ skipReason: 'tenant suspended', registryVersion: { recorded: null, record } });
    const result = await migrateTarget(t.target, { dryRun: false, trustRecorded: true });
    expect(result).toMatchObject({
      status: 'skipped',
      error: 'tenant suspended',
      errorCode: MigratorErrorCode.SKIPPED,
    });
    expect(t.acquired()).toBe(0);
  });
});
