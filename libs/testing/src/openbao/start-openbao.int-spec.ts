import { existsSync } from 'node:fs';
import { openBaoBinary, startOpenBao, type OpenBaoInstance } from '../index';
import { processStartTime } from '../process/proc-info';

async function vault(
  instance: OpenBaoInstance,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const { token = instance.rootToken, ...rest } = init;
  const response = await fetch(`${instance.url}/v1/${path}`, {
    ...rest,
    headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' },
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

describe('startOpenBao', () => {
  let bao: OpenBaoInstance;

  beforeAll(async () => {
    bao = await startOpenBao();
  });
  afterAll(async () => {
    await bao.stop();
  });

  it('resolves the binary through tools/openbao/build.sh', async () => {
    const binary = await openBaoBinary();
    expect(binary).toMatch(/\/bao$/);
    expect(existsSync(binary)).toBe(true);
  });

  it('answers health: initialised and unsealed, on its own port', async () => {
    expect(bao.url).toBe(`http://127.0.0.1:${bao.port}`);
    expect(bao.rootToken).toMatch(/^harness-[0-9a-f]{32}$/);
    const health = await vault(bao, 'sys/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ initialized: true, sealed: false, standby: false });
  });

  it('writes and reads a KV v2 secret with the root token', async () => {
    const written = await vault(bao, 'secret/data/harness/check', {
      method: 'POST',
      body: JSON.stringify({ data: { answer: 42 } }),
    });
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({ data: { version: 1 } });

    const read = await vault(bao, 'secret/data/harness/check');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ data: { data: { answer: 42 }, metadata: { version: 1 } } });
  });

  it('refuses an unknown token with 403 permission denied', async () => {
    const denied = await vault(bao, 'secret/data/harness/check', { token: 'not-the-root-token' });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ errors: ['permission denied'] });
  });

  it('stop() ends the server process', async () => {
    const own = await startOpenBao();
    const pid = own.pid!;
    expect(own.rootToken).not.toBe(bao.rootToken);
    await own.stop();
    expect(own.isRunning()).toBe(false);
    expect(processStartTime(pid)).toBeNull();
    await expect(fetch(`${own.url}/v1/sys/health`)).rejects.toThrow('fetch failed');
    await expect(own.stop()).resolves.toBeUndefined();
  });
});
