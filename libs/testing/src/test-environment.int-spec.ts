import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { HarnessErrorCode, TestEnvironment } from './index';
import { processStartTime } from './process/proc-info';

describe('TestEnvironment', () => {
  it('stopAll() after a failing operation still stops everything and removes the dirs', async () => {
    const env = new TestEnvironment();
    const pg = await env.postgres({ name: 'env' });
    const nats = await env.nats();
    const pids = [pg.pid!, nats.pid!];
    const dirs = [dirname(pg.dataDir), dirname(nats.storeDir)];

    await expect(pg.query('SELEC broken')).rejects.toMatchObject({
      code: '42601',
      message: 'syntax error at or near "SELEC"',
    });
    // A tenant server that a test took down but kept the data of.
    await pg.stop({ keepData: true });

    await env.stopAll();

    for (const pid of pids) expect(processStartTime(pid)).toBeNull();
    for (const dir of dirs) expect(existsSync(dir)).toBe(false);
    await expect(env.stopAll()).resolves.toBeUndefined();
  });

  it('stopAll() stops the rest when one stop fails, then reports the failure', async () => {
    const env = new TestEnvironment();
    const pg = await env.postgres({ name: 'env-fail' });
    env.track({ stop: () => Promise.reject(new Error('helper could not stop')) });
    const pid = pg.pid!;

    await expect(env.stopAll()).rejects.toMatchObject({
      name: 'HarnessError',
      code: HarnessErrorCode.STOP_FAILED,
      message: '1 of 2 resources failed to stop: helper could not stop',
    });
    expect(processStartTime(pid)).toBeNull();
    expect(existsSync(pg.dataDir)).toBe(false);
  });
});
