import type { Disposition } from './job-runner';
import { settleMessage, type SettleableMessage } from './settle-message';
import { readWorkerSettings } from './worker-settings';

function fakeMessage(redeliveryCount = 0) {
  const msg = {
    data: new Uint8Array([1]),
    info: { redeliveryCount },
    working: jest.fn(),
    ack: jest.fn(),
    nak: jest.fn(),
    term: jest.fn(),
  };
  return msg as typeof msg & SettleableMessage;
}

const settings = { ...readWorkerSettings({}), ackWaitMs: 3_000, backoffBaseMs: 100, backoffMaxMs: 1_000 };

describe('settleMessage', () => {
  afterEach(() => jest.useRealTimers());

  it('acks only after the runner finished, sending working() every ack_wait/3 meanwhile', async () => {
    jest.useFakeTimers();
    const msg = fakeMessage();
    let finish: (d: Disposition) => void = () => undefined;
    const runner = { run: () => new Promise<Disposition>((resolve) => (finish = resolve)) };
    const settled = settleMessage(msg, runner, settings, { error: jest.fn() });
    await jest.advanceTimersByTimeAsync(3_500);
    expect(msg.working).toHaveBeenCalledTimes(3);
    expect(msg.ack).not.toHaveBeenCalled();
    finish({ kind: 'ack' });
    await settled;
    expect(msg.ack).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(msg.working).toHaveBeenCalledTimes(3);
  });

  it('naks with the runner delay for a retry', async () => {
    const msg = fakeMessage();
    await settleMessage(msg, { run: async () => ({ kind: 'retry', delayMs: 750 }) }, settings, {
      error: jest.fn(),
    });
    expect(msg.nak).toHaveBeenCalledWith(750);
    expect(msg.ack).not.toHaveBeenCalled();
  });

  it('terms a command that can never succeed and logs why', async () => {
    const msg = fakeMessage();
    const logger = { error: jest.fn() };
    await settleMessage(
      msg,
      { run: async () => ({ kind: 'drop', reason: 'ProvisioningCommand is invalid: x' }) },
      settings,
      logger,
    );
    expect(msg.term).toHaveBeenCalledWith('ProvisioningCommand is invalid: x');
    expect(logger.error).toHaveBeenCalledWith(
      'dropping provisioning command: ProvisioningCommand is invalid: x',
    );
  });

  it('naks with backoff by delivery count when nothing could be recorded (registry down)', async () => {
    const msg = fakeMessage(2);
    const logger = { error: jest.fn() };
    await settleMessage(
      msg,
      { run: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) },
      settings,
      logger,
    );
    expect(msg.nak).toHaveBeenCalledWith(400);
    expect(logger.error).toHaveBeenCalledWith(
      'provisioning command could not be processed (connect ECONNREFUSED 127.0.0.1:5432); redelivery in 400 ms',
    );
  });
});
