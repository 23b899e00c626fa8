import { Module } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { createServer, type Server } from 'node:net';
import { PassThrough } from 'node:stream';
import { ObservabilityModule } from '../observability.module';
import { launchHttpService, type LaunchOptions } from './launch-http-service';

@Module({})
class EmptyModule {}

function configOn(port: number): SysManageConfig {
  const db = { host: '127.0.0.1', port: 5432, name: 'x', user: 'x', ssl: 'disable' as const, poolSize: 1 };
  const listen = { host: '127.0.0.1', port };
  return {
    sourcePath: null,
    registry: db,
    shared: db,
    sharedIsSeparate: false,
    multitenancy: {
      enabled: false,
      selfServiceProvisioning: false,
      licenseFile: '',
      licensePublicKeyFile: '',
    },
    vault: null,
    nats: { servers: [] },
    api: { registry: listen, ingest: listen, provisioner: listen, migrator: listen },
    logging: { level: 'info' },
  };
}

async function listeningServer(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { server, port: address.port };
}

async function freePort(): Promise<number> {
  const { server, port } = await listeningServer();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function harness(prepare: LaunchOptions['prepare']) {
  const lines: Record<string, unknown>[] = [];
  const stderr = new PassThrough();
  const reported: unknown[] = [];
  const options: LaunchOptions = {
    service: 'registry',
    prepare,
    reportFailure: (error, stream) => {
      reported.push(error);
      stream?.write(`${error instanceof Error ? error.name : 'Error'}: reported\n`);
      return 3;
    },
    rootModule: (_config, logger) => ({
      module: EmptyModule,
      imports: [ObservabilityModule.forRoot({ service: 'registry', logger, checks: [] })],
    }),
    io: { stderr, logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) } },
  };
  return { options, lines, reported, stderr };
}

describe('launchHttpService', () => {
  it('refuses before creating anything when prepare throws', async () => {
    const gate = Object.assign(new Error('no license'), { name: 'LicensingError' });
    const { options, lines, reported, stderr } = harness(() => {
      throw gate;
    });

    await expect(launchHttpService(options)).resolves.toEqual({ app: null, exitCode: 3 });
    expect(reported).toEqual([gate]);
    expect(String(stderr.read())).toBe('LicensingError: reported\n');
    expect(lines).toEqual([]);
  });

  it('listens on api.<service>, logs the startup warnings and serves the module', async () => {
    const port = await freePort();
    const { options, lines } = harness(() => ({
      config: configOn(port),
      warnings: ['license expires soon'],
    }));

    const { app, exitCode } = await launchHttpService(options);
    try {
      expect(exitCode).toBe(0);
      const res = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'license expires soon' }));
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'info',
          context: 'Bootstrap',
          port,
          msg: `registry listening on http://127.0.0.1:${port}`,
        }),
      );
    } finally {
      await app?.close();
    }
    expect(lines).toContainEqual(expect.objectContaining({ context: 'Shutdown', msg: 'shutting down' }));
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow('fetch failed');
  });

  it('applies `configure` to the application before it listens', async () => {
    const port = await freePort();
    const { options } = harness(() => ({ config: configOn(port), warnings: [] }));
    const configured: boolean[] = [];
    const { app } = await launchHttpService({
      ...options,
      configure: (nest) => {
        configured.push(true);
        const express: {
          get(path: string, fn: (req: unknown, res: { send(body: string): void }) => void): void;
        } = nest.getHttpAdapter().getInstance();
        express.get('/configured', (_req, res) => res.send('yes'));
      },
    });
    try {
      expect(configured).toEqual([true]);
      const res = await fetch(`http://127.0.0.1:${port}/configured`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('yes');
    } finally {
      await app?.close();
    }
  });

  it('reports a failure after the gate (port taken) with a fatal log line and the failure exit code', async () => {
    const { server, port } = await listeningServer();
    try {
      const { options, lines, reported } = harness(() => ({ config: configOn(port), warnings: [] }));
      await expect(launchHttpService(options)).resolves.toEqual({ app: null, exitCode: 3 });
      expect(reported[0]).toMatchObject({ code: 'EADDRINUSE' });
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 'fatal', msg: 'registry failed to start' }),
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
