import { Test } from '@nestjs/testing';
import { freePort, startNats, type NatsInstance } from '@sysmanage/testing';
import type { NatsConnection } from 'nats';
import { NatsConnectionErrorCode } from './nats-connection.error';
import { NatsConnectionModule } from './nats-connection.module';
import { NATS_CONNECTION } from './nats-connection.options';

describe('NatsConnectionModule', () => {
  // A private nats-server: no other test sees these subjects, and the server name proves where we connected.
  let nats: NatsInstance;

  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('provides a working connection and drains it when the app closes', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [NatsConnectionModule.forRoot({ servers: nats.servers, name: 'contracts-int-spec' })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const nc = app.get<NatsConnection>(NATS_CONNECTION);
    expect(nc.getServer()).toBe(`127.0.0.1:${nats.port}`);
    expect(nc.info?.server_name).toBe(`sysmanage-harness-${nats.port}`);

    const sub = nc.subscribe('contracts.int-spec.ping', { max: 1 });
    nc.publish('contracts.int-spec.ping', new TextEncoder().encode('ping'));
    const received: string[] = [];
    for await (const msg of sub) received.push(msg.string());
    expect(received).toEqual(['ping']);

    await app.close();
    expect(nc.isClosed()).toBe(true);
  });

  it('fails at start with CONNECT_FAILED naming the servers when none answers', async () => {
    // Free a moment ago and nothing started on it: connecting is refused.
    const server = `nats://127.0.0.1:${await freePort()}`;
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
