import type { Clock, TimerHandle } from '../clock';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/** Lets queued promise callbacks (async continuations) run. */
export async function flushAsync(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Manual time for unit tests: timers fire only inside advance(). */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { id?: number }).id;
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Delays (ms from now) of the timers still pending, soonest first. */
  pendingDelays(): number[] {
    return this.timers.map((t) => t.at - this.current).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due timers in order and letting their async work settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushAsync();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.callback();
      await flushAsync();
    }
    this.current = target;
  }
}

/** Fires every timer on the next macrotask, recording the requested delays (retry backoff tests). */
export class ImmediateClock implements Clock {
  readonly delays: number[] = [];

  now(): number {
    return Date.UTC(2026, 0, 1);
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    this.delays.push(delayMs);
    return setImmediate(callback);
  }

  clearTimeout(handle: TimerHandle): void {
    clearImmediate(handle as NodeJS.Immediate);
  }
}
