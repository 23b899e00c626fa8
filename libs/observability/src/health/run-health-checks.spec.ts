import { ObservabilityErrorCode } from '../observability.error';
import type { HealthCheck } from './health-check';
import { runHealthChecks, type CheckFailure } from './run-health-checks';

const ok = (name: string): HealthCheck => ({ name, check: async () => undefined });
const failing = (name: string, error: unknown): HealthCheck => ({
  name,
  check: async () => {
    throw error;
  },
});
const hanging = (name: string): HealthCheck => ({ name, check: () => new Promise<void>(() => undefined) });

describe('runHealthChecks', () => {
  it('is ok when every check passes', async () => {
    await expect(runHealthChecks([ok('database'), ok('nats')])).resolves.toEqual({
      status: 'ok',
      checks: { database: 'ok', nats: 'ok' },
    });
  });

  it('is ok with no checks at all', async () => {
    await expect(runHealthChecks([])).resolves.toEqual({ status: 'ok', checks: {} });
  });

  it('fails as a whole when one check fails, naming it with a short one-line reason', async () => {
    const failures: CheckFailure[] = [];
    const error = new Error('connect ECONNREFUSED 127.0.0.1:5999\n    at TCPConnectWrap');
    const report = await runHealthChecks([ok('nats'), failing('database', error)], 1_000, (f) =>
      failures.push(f),
    );

    expect(report).toEqual({
      status: 'error',
      checks: { nats: 'ok', database: 'error: connect ECONNREFUSED 127.0.0.1:5999' },
    });
    expect(failures).toEqual([{ name: 'database', error }]);
  });

  it('turns a check that never answers into a timeout failure without waiting for it', async () => {
    const started = Date.now();
    const failures: CheckFailure[] = [];
    const report = await runHealthChecks([hanging('nats'), ok('database')], 50, (f) => failures.push(f));

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report).toEqual({
      status: 'error',
      checks: { nats: 'error: timed out after 50 ms', database: 'ok' },
    });
    expect(failures[0]!.error).toMatchObject({ code: ObservabilityErrorCode.CHECK_TIMEOUT });
  });

  it('counts a synchronous throw and a non-Error rejection as failures', async () => {
    const syncThrow: HealthCheck = {
      name: 'sync',
      check: () => {
        throw new Error('no pool');
      },
    };
    const report = await runHealthChecks([
      syncThrow,
      failing('odd', 'plain string'),
      failing('blank', new Error('')),
    ]);
    expect(report.checks).toEqual({
      sync: 'error: no pool',
      odd: 'error: plain string',
      blank: 'error: Error',
    });
  });

  it('truncates a very long reason', async () => {
    const report = await runHealthChecks([failing('db', new Error('x'.repeat(500)))]);
    expect(report.checks['db']).toHaveLength('error: '.length + 200);
    expect(report.checks['db']!.endsWith('...')).toBe(true);
  });
});
