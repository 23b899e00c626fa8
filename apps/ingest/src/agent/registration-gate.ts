/**
 * Admission for registrations, in front of the registry. A redemption holds
 * one registry connection for its whole transaction, waiting on its token's
 * row lock behind every other registration of that token, and needs a second
 * one inside (the tenant's placement) to record the host. Unbounded, a
 * restart storm fills the registry pool with waiters that each need another
 * connection: nobody progresses until the pool's acquire timeout. So:
 * registrations of one key (the token) run one after the other in this
 * process (the row lock would serialise them anyway), at most `maxConcurrent`
 * run at once (half the registry pool by default, leaving the rest for the
 * placement reads and credential look-ups), and a registration that waited
 * `maxWaitMs` for its turn gives up so the agent retries later.
 */
export class RegistrationGate {
  private readonly tails = new Map<string, Promise<void>>();
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxWaitMs: number,
  ) {}

  /** Registrations waiting for or holding a slot (a gauge for /metrics and tests). */
  get pending(): number {
    return this.running + this.queue.length;
  }

  /** Runs `work` in turn for `key`; rejects with RegistrationGateTimeout when the turn does not come in time. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.maxWaitMs;
    const previous = this.tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await withDeadline(previous, deadline);
      await this.acquire(deadline);
      try {
        return await work();
      } finally {
        this.release();
      }
    } finally {
      done();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  private async acquire(deadline: number): Promise<void> {
    if (this.running < this.maxConcurrent) {
      this.running += 1;
      return;
    }
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    this.queue.push(grant);
    try {
      await withDeadline(granted, deadline);
    } catch (error) {
      const at = this.queue.indexOf(grant);
      if (at >= 0) this.queue.splice(at, 1);
      else this.release(); // granted just as the deadline passed: hand the slot on
      throw error;
    }
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.running -= 1;
  }
}

export class RegistrationGateTimeout extends Error {
  override readonly name = 'RegistrationGateTimeout';
}

async function withDeadline(promise: Promise<void>, deadline: number): Promise<void> {
  const wait = deadline - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RegistrationGateTimeout('registration queue wait exceeded')),
      Math.max(0, wait),
    );
  });
  try {
    await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
