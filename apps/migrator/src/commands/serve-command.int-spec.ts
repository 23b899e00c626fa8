import {
  freePort,
  TestEnvironment,
  writeTestConfig,
  type NatsInstance,
  type PgInstance,
} from '@sysmanage/testing';
import { runCli, type CliRun } from '../__fixtures__/cli-harness';

jest.setTimeout(60_000);

async function waitForHttp(url: string, deadlineMs: number): Promise<Response> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('sysmanage-migrate serve (real PostgreSQL and NATS)', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let nats: NatsInstance;

  beforeAll(async () => {
    [pg, nats] = await Promise.all([env.postgres({ name: 'migrator-serve' }), env.nats()]);
  });
  afterAll(() => env.stopAll());

  it('serves /health/live, /health/ready (registry database + NATS) and /metrics on api.migrator, and stops cleanly', async () => {
    const port = await freePort();
    const config = writeTestConfig({ registry: pg, nats, apiPorts: { migrator: port } });
    const stop = new AbortController();
    const running: Promise<CliRun> = runCli(['serve', '--config', config], { signal: stop.signal });
    try {
      const live = await waitForHttp(`http://127.0.0.1:${port}/health/live`, 20_000);
      expect(live.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { 'registry-database': 'ok', nats: 'ok' } });
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('service="migrator"');
    } finally {
      stop.abort();
    }
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.out).toContain(`migrator listening on http://127.0.0.1:${port}`);
  });

  it('refuses to start when NATS is unreachable: non-zero exit naming nats.servers', async () => {
    const config = writeTestConfig({
      registry: pg,
      nats: ['nats://127.0.0.1:1'],
      apiPorts: { migrator: await freePort() },
    });
    const result = await runCli(['serve', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('cannot connect to NATS at nats://127.0.0.1:1 (nats.servers)');
  });
});
