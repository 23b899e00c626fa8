import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../free-port';
import { BuiltService, serviceEnv, startBuiltService } from './built-service';

// A stand-in for a built service: answers /health/ready with 503 for its first 300 ms, then 200,
// echoes its environment on /env, and logs its start; exits 7 at once when told to.
const FAKE_SERVICE = `
const http = require('node:http');
const [port, mode] = process.argv.slice(2);
if (mode === 'crash') { console.error('fake: cannot start'); process.exit(7); }
const started = Date.now();
console.log(JSON.stringify({ msg: 'fake service listening', port }));
http.createServer((req, res) => {
  if (req.url === '/env') return res.end(JSON.stringify(process.env));
  res.statusCode = Date.now() - started > 300 ? 200 : 503;
  res.end();
}).listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

describe('BuiltService (a real child process)', () => {
  let dir: string;
  let main: string;
  const started: BuiltService[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'built-service-'));
    main = path.join(dir, 'main.js');
    writeFileSync(main, FAKE_SERVICE);
  });
  afterAll(async () => {
    await Promise.all(started.map((s) => s.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (port: number, extra: { mode?: string; env?: Record<string, string> } = {}) => ({
    name: 'fake',
    main,
    args: [String(port), ...(extra.mode === undefined ? [] : [extra.mode])],
    cwd: dir,
    env: extra.env ?? {},
    logFile: path.join(dir, `fake-${port}.log`),
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
    readyTimeoutMs: 10_000,
  });

  it('resolves start() only once ready, stops with SIGTERM, and starts again', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const service = await startBuiltService(spec(port, { env: { FAKE_SETTING: 'given' } }));
    started.push(service);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
    expect(service.pid).toEqual(expect.any(Number));
    expect(service.log()).toContain('fake service listening');

    expect(await service.stop()).toEqual({ code: 0, signal: null });
    expect(service.running()).toBe(false);
    expect(service.pid).toBeNull();
    expect(await service.stop()).toBeNull();

    await service.start();
    expect(service.running()).toBe(true);
    expect(await service.kill()).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('gives the service what it is given, and nothing of the SysManage, OpenBAO or PostgreSQL settings around it', async () => {
    const port = await freePort();
    process.env['SYSMANAGE_LEAK_TEST'] = 'from the shell';
    process.env['PGPASSWORD'] = 'from the shell';
    try {
      const service = await startBuiltService(spec(port, { env: { SYSMANAGE_GIVEN: 'yes' } }));
      started.push(service);
      const env = (await (await fetch(`http://127.0.0.1:${port}/env`)).json()) as Record<string, string>;
      expect(env['SYSMANAGE_GIVEN']).toBe('yes');
      expect(env).not.toHaveProperty('SYSMANAGE_LEAK_TEST');
      expect(env).not.toHaveProperty('PGPASSWORD');
      expect(env['PATH']).toBe(process.env['PATH']);
      await service.stop();
    } finally {
      delete process.env['SYSMANAGE_LEAK_TEST'];
      delete process.env['PGPASSWORD'];
    }
    expect(serviceEnv({ BAO_ADDR: 'x' })['BAO_ADDR']).toBe('x');
  });

  it('rejects start() with the exit and the log tail when the process ends before it is ready', async () => {
    const service = new BuiltService(spec(await freePort(), { mode: 'crash' }));
    await expect(service.start()).rejects.toThrow(
      /fake exited \({"code":7,"signal":null}\) before it was ready:\n.*fake: cannot start/s,
    );
    expect(await service.exited).toEqual({ code: 7, signal: null });
  });

  it('refuses to start a program that was not built', async () => {
    const service = new BuiltService({ ...spec(await freePort()), main: path.join(dir, 'missing.js') });
    await expect(service.start()).rejects.toThrow(/missing\.js is missing: build fake first/);
    expect(() => service.exited).toThrow('fake was never started');
  });
});
