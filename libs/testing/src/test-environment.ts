import { HarnessError, HarnessErrorCode } from './harness-error';
import { startNats, type NatsInstance } from './nats/start-nats';
import { startOpenBao, type OpenBaoInstance } from './openbao/start-openbao';
import type { PgInstance, StartPostgresOptions } from './postgres/pg-instance';
import { startPostgres } from './postgres/pg-server';

/** Anything with an idempotent stop(): instances, or helpers a test wants stopped with them. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Everything one suite started, stopped together in afterAll:
 *
 *   const env = new TestEnvironment();
 *   afterAll(() => env.stopAll());
 *   const pg = await env.postgres({ name: 'tenant-a' });
 */
export class TestEnvironment {
  private readonly started: Stoppable[] = [];

  async postgres(options?: StartPostgresOptions): Promise<PgInstance> {
    return this.track(await startPostgres(options));
  }

  async nats(): Promise<NatsInstance> {
    return this.track(await startNats());
  }

  async openBao(): Promise<OpenBaoInstance> {
    return this.track(await startOpenBao());
  }

  /** Adds something started elsewhere; stopAll() stops it too. */
  track<T extends Stoppable>(resource: T): T {
    this.started.push(resource);
    return resource;
  }

  /**
   * Stops everything (PostgreSQL data dirs are removed, also after
   * stop({ keepData: true })), in parallel, even when some stops fail; then
   * reports every failure in one error.
   */
  async stopAll(): Promise<void> {
    const resources = this.started.splice(0).reverse();
    const results = await Promise.allSettled(resources.map((resource) => resource.stop()));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      const reasons = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
      throw new HarnessError(
        HarnessErrorCode.STOP_FAILED,
        `${failures.length} of ${resources.length} resources failed to stop: ${reasons.join('; ')}`,
      );
    }
  }
}
