import type { NatsConnection } from 'nats';
import { ObservabilityErrorCode } from '../observability.error';
import { natsHealthCheck } from './nats-health-check';
import { postgresHealthCheck } from './postgres-health-check';

// A stand-in for the few NatsConnection members the check reads; the services'
// integration tests run it against a real server.
function fakeConnection(state: { closed?: boolean; draining?: boolean; flush?: () => Promise<void> }) {
  return {
    isClosed: () => state.closed ?? false,
    isDraining: () => state.draining ?? false,
    flush: state.flush ?? (async () => undefined),
  } as unknown as NatsConnection;
}

describe('natsHealthCheck', () => {
  it('passes when the connection is open and a flush round-trips', async () => {
    const flush = jest.fn(async () => undefined);
    await expect(natsHealthCheck(() => fakeConnection({ flush })).check()).resolves.toBeUndefined();
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['no connection yet', () => null, 'no connection'],
    ['a closed connection', () => fakeConnection({ closed: true }), 'connection closed'],
    ['a draining connection', () => fakeConnection({ draining: true }), 'connection draining'],
  ])('fails for %s', async (_case, nc, message) => {
    await expect(natsHealthCheck(nc).check()).rejects.toMatchObject({
      code: ObservabilityErrorCode.DEPENDENCY_UNAVAILABLE,
      message,
    });
  });

  it('fails with the flush error and is named nats unless told otherwise', async () => {
    const check = natsHealthCheck(() =>
      fakeConnection({ flush: async () => Promise.reject(new Error('TIMEOUT')) }),
    );
    expect(check.name).toBe('nats');
    expect(natsHealthCheck(() => null, 'broker').name).toBe('broker');
    await expect(check.check()).rejects.toThrow('TIMEOUT');
  });
});

describe('postgresHealthCheck', () => {
  it('passes when the query resolves and fails with its error', async () => {
    await expect(
      postgresHealthCheck('database', async () => [{ '?column?': 1 }]).check(),
    ).resolves.toBeUndefined();
    const failing = postgresHealthCheck('database', async () => Promise.reject(new Error('ECONNREFUSED')));
    expect(failing.name).toBe('database');
    await expect(failing.check()).rejects.toThrow('ECONNREFUSED');
  });
});
