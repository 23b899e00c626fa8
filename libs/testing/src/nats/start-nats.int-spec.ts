import { existsSync } from 'node:fs';
import { AckPolicy, connect, JSONCodec, type NatsConnection } from 'nats';
import { machineNatsServers, startNats, type NatsInstance } from '../index';
import { processStartTime } from '../process/proc-info';

describe('startNats', () => {
  let nats: NatsInstance;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.servers });
  });
  afterAll(async () => {
    await nc.close();
    await nats.stop();
  });

  it('runs its own server on a free port, not the machine one', () => {
    expect(nats.servers).toEqual([`nats://127.0.0.1:${nats.port}`]);
    expect(nats.port).not.toBe(4222);
    expect(machineNatsServers()).toEqual(['nats://127.0.0.1:4222']);
  });

  it('has JetStream: a stream keeps a published message for a consumer to read back', async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
    const js = nc.jetstream();
    const codec = JSONCodec<{ n: number }>();
    const ack = await js.publish('harness.one', codec.encode({ n: 42 }));
    expect(ack).toMatchObject({ stream: 'HARNESS', seq: 1, duplicate: false });

    await jsm.consumers.add('HARNESS', { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
    const consumer = await js.consumers.get('HARNESS', 'reader');
    const msg = await consumer.next({ expires: 2_000 });
    expect(msg?.subject).toBe('harness.one');
    expect(codec.decode(msg!.data)).toEqual({ n: 42 });
    msg!.ack();

    await expect(jsm.streams.add({ name: 'OTHER', subjects: ['harness.>'] })).rejects.toThrow(
      'subjects overlap with an existing stream',
    );
  });

  it('stop() ends the process and removes the store', async () => {
    const own = await startNats();
    const pid = own.pid!;
    expect(own.isRunning()).toBe(true);
    await own.stop();
    expect(own.isRunning()).toBe(false);
    expect(processStartTime(pid)).toBeNull();
    expect(existsSync(own.storeDir)).toBe(false);
    await expect(connect({ servers: own.servers, reconnect: false, timeout: 500 })).rejects.toMatchObject({
      code: 'CONNECTION_REFUSED',
    });
    await expect(own.stop()).resolves.toBeUndefined();
  });
});
