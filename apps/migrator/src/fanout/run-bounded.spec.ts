import { runBounded, type BoundedRunHandlers } from './run-bounded';

type Outcome = { id: number; status: 'ok' | 'failed' | 'skipped'; note?: string };

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function handlers(work: (id: number) => Promise<Outcome>): BoundedRunHandlers<number, Outcome> {
  return {
    work,
    isFailure: (r) => r.status === 'failed',
    failed: (id, err) => ({ id, status: 'failed', note: String(err) }),
    skipped: (id, reason) => ({ id, status: 'skipped', note: reason }),
  };
}

describe('runBounded', () => {
  it('never has more than `concurrency` items in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await runBounded(
      [1, 2, 3, 4, 5, 6, 7],
      { concurrency: 3, failureBudget: null },
      handlers(async (id) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 8 - id));
        inFlight -= 1;
        return { id, status: 'ok' };
      }),
    );
    expect(peak).toBe(3);
    expect(results.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps going past failures (thrown or returned) when there is no budget', async () => {
    const results = await runBounded(
      [1, 2, 3, 4],
      { concurrency: 2, failureBudget: null },
      handlers(async (id) => {
        if (id === 1) throw new Error('boom');
        return { id, status: id === 2 ? 'failed' : 'ok' };
      }),
    );
    expect(results).toEqual([
      { id: 1, status: 'failed', note: 'Error: boom' },
      { id: 2, status: 'failed' },
      { id: 3, status: 'ok' },
      { id: 4, status: 'ok' },
    ]);
  });

  it('stops starting items once the failure budget is spent; in-flight items finish, the rest are skipped', async () => {
    const gate = deferred();
    const started: number[] = [];
    const run = runBounded(
      [1, 2, 3, 4, 5],
      { concurrency: 2, failureBudget: 1 },
      handlers(async (id) => {
        started.push(id);
        if (id === 1) return { id, status: 'failed' };
        await gate.promise;
        return { id, status: 'ok' };
      }),
    );
    await new Promise((r) => setImmediate(r));
    gate.resolve();
    const results = await run;
    expect(started).toEqual([1, 2]);
    expect(results.map((r) => r.status)).toEqual(['failed', 'ok', 'skipped', 'skipped', 'skipped']);
    expect(results[2]?.note).toBe('failure budget of 1 reached');
  });

  it('handles an empty list', async () => {
    await expect(
      runBounded(
        [],
        { concurrency: 4, failureBudget: 1 },
        handlers(async (id) => ({ id, status: 'ok' })),
      ),
    ).resolves.toEqual([]);
  });
});
