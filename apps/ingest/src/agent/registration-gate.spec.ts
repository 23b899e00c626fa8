import { RegistrationGate, RegistrationGateTimeout } from './registration-gate';

/** A unit of work the test finishes by hand, recording when it started. */
function controllable(log: string[], name: string) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      log.push(`start ${name}`);
      await finished;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RegistrationGate', () => {
  it('runs one key in arrival order, other keys alongside', async () => {
    const gate = new RegistrationGate(10, 5_000);
    const log: string[] = [];
    const a1 = controllable(log, 'a1');
    const a2 = controllable(log, 'a2');
    const b1 = controllable(log, 'b1');
    const results = [gate.run('a', a1.work), gate.run('a', a2.work), gate.run('b', b1.work)];
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    a1.finish();
    await tick();
    await tick();
    expect(log).toContain('start a2');
    a2.finish();
    b1.finish();
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'b1']);
  });

  it('never runs more than maxConcurrent at once, and a failure frees its slot', async () => {
    const gate = new RegistrationGate(2, 5_000);
    let running = 0;
    let peak = 0;
    const work = (fail: boolean) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      if (fail) throw new Error('boom');
      return 'ok';
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => gate.run(`k${i}`, work(i % 3 === 0))),
    );
    expect(peak).toBe(2);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(4);
    expect(gate.pending).toBe(0);
  });

  it('a registration whose turn does not come in time gives up with RegistrationGateTimeout; the queue moves on', async () => {
    const gate = new RegistrationGate(1, 50);
    const log: string[] = [];
    const slow = controllable(log, 'slow');
    const first = gate.run('a', slow.work);
    await expect(gate.run('b', async () => 'never')).rejects.toBeInstanceOf(RegistrationGateTimeout);
    await expect(gate.run('a', async () => 'never')).rejects.toBeInstanceOf(RegistrationGateTimeout);
    slow.finish();
    expect(await first).toBe('slow');
    expect(await gate.run('b', async () => 'later')).toBe('later');
    expect(gate.pending).toBe(0);
  });
});
