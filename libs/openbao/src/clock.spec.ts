import { sleep, systemClock } from './clock';

describe('systemClock', () => {
  it('unrefs background timers: a pending renewal does not keep the process alive', () => {
    const timer = systemClock.setTimeout(() => undefined, 60_000) as NodeJS.Timeout;
    try {
      expect(timer.hasRef()).toBe(false);
    } finally {
      systemClock.clearTimeout(timer);
    }
  });

  it('keeps an awaited sleep referenced: a CLI waiting out a retry backoff does not exit 0 mid-request', async () => {
    const created: NodeJS.Timeout[] = [];
    const spying = {
      ...systemClock,
      setTimeout: (callback: () => void, delayMs: number, options?: { keepAlive?: boolean }) => {
        const timer = systemClock.setTimeout(callback, delayMs, options) as NodeJS.Timeout;
        created.push(timer);
        return timer;
      },
    };
    const waiting = sleep(spying, 5);
    expect(created.map((t) => t.hasRef())).toEqual([true]);
    await waiting;
  });
});
