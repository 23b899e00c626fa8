import { backoffDelay, DEFAULT_RETRY, withRetry } from './retry';
import { ImmediateClock } from './__fixtures__/fake-clock';

describe('backoffDelay', () => {
  const options = { attempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles per retry, with jitter between half and the full delay', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 0.999999))).toEqual([100, 200, 400, 800]);
  });

  it('is capped at maxDelayMs', () => {
    expect(backoffDelay(10, options, () => 0.999999)).toBe(1_000);
    expect(backoffDelay(10, options, () => 0)).toBe(500);
  });

  it('defaults to about 4 attempts from 100 ms', () => {
    expect(DEFAULT_RETRY).toEqual({ attempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 });
  });
});

describe('withRetry', () => {
  const options = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('retries until success and waits the backoff in between', async () => {
    const clock = new ImmediateClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error(`fail ${calls}`);
        return 'ok';
      },
      { clock, random: () => 0, options, shouldRetry: () => true },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(clock.delays).toEqual([50, 100]);
  });

  it('gives up after the last attempt with finalError(error, attempts)', async () => {
    const clock = new ImmediateClock();
    const run = withRetry(() => Promise.reject(new Error('down')), {
      clock,
      random: () => 0,
      options,
      shouldRetry: () => true,
      finalError: (err, attempts) => new Error(`${(err as Error).message} x${attempts}`),
    });
    await expect(run).rejects.toThrow('down x4');
    expect(clock.delays).toHaveLength(3);
  });

  it('does not retry what shouldRetry refuses', async () => {
    const clock = new ImmediateClock();
    let calls = 0;
    const run = withRetry(
      () => {
        calls += 1;
        return Promise.reject(new Error('permanent'));
      },
      { clock, random: () => 0, options, shouldRetry: () => false },
    );
    await expect(run).rejects.toThrow('permanent');
    expect(calls).toBe(1);
    expect(clock.delays).toEqual([]);
  });
});
