import { Test } from '@nestjs/testing';
import { createServer } from 'node:net';
import type { NatsConnection } from 'nats';
import { NatsConnectionErrorCode } from './nats-connection.error';
import { NatsConnectionModule } from './nats-connection.module';
import { NATS_CONNECTION } from './nats-connection.options';

// The machine's nats-server (DESIGN.md section 9). This library may not depend on
// @sysmanage/testing (contracts sits below it), so it uses the shared server and
// unique subjects; the services' tests run against harness-started servers.
const SERVERS = [process.env['SYSMANAGE_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222'];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('NatsConnectionModule', () => {
  it('provides a working connection and drains it when the app closes', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [NatsConnectionModule.forRoot({ servers: SERVERS, name: 'contracts-int-spec' })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const nc = app.get<NatsConnection>(NATS_CONNECTION);

    const subject = `contracts.int-spec.${process.pid}.${Date.now()}`;
    const sub = nc.subscribe(subject, { max: 1 });
    nc.publish(subject, new TextEncoder().encode('ping'));
    for await (const msg of sub) expect(msg.string()).toBe('ping');
    expect(nc.info?.server_name).toBeDefined();

    await app.close();
    expect(nc.isClosed()).toBe(true);
  });

  it('fails at start with CONNECT_FAILED naming the servers when none answers', async () => {
    const server = `nats://127.0.0.1:${await closedPort()}`;
    const compiling = Test.createTestingModule({
      imports: [
        NatsConnectionModule.forRoot({
          servers: [server],
          name: 'contracts-int-spec',
          connectTimeoutMs: 1_000,
        }),
      ],
    }).compile();

    await expect(compiling).rejects.toMatchObject({
      name: 'NatsConnectionError',
      code: NatsConnectionErrorCode.CONNECT_FAILED,
      message: expect.stringContaining(`cannot connect to NATS at ${server} (nats.servers): `),
    });
  });
});
