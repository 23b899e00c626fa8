import { EventEmitter } from 'node:events';
import type { Client, ClientConfig } from 'pg';
import type { ClientFactory } from '../tenant-pool-manager.types';

/** A stand-in for a connected pg.Client: records its config, counts live sessions on a fake server. */
export class FakePgClient extends EventEmitter {
  ended = false;
  readonly queries: string[] = [];
  constructor(
    readonly config: ClientConfig,
    private readonly server: FakeServer,
  ) {
    super();
  }

  async query(sql: string): Promise<{ rows: Array<{ user: string | undefined }> }> {
    if (this.ended) throw new Error('Client was closed and is not queryable');
    this.queries.push(sql);
    return { rows: [{ user: this.config.user }] };
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.server.live -= 1;
  }
}

/** Counts sessions like PostgreSQL would; refuses above maxSessions with 53300. */
export class FakeServer {
  live = 0;
  peak = 0;
  opened = 0;
  readonly clients: FakePgClient[] = [];
  failNext: Error | null = null;
  constructor(readonly maxSessions = Number.POSITIVE_INFINITY) {}

  readonly factory: ClientFactory = async (config) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    if (this.live >= this.maxSessions) {
      throw Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
    }
    this.live += 1;
    this.opened += 1;
    this.peak = Math.max(this.peak, this.live);
    const client = new FakePgClient(config, this);
    this.clients.push(client);
    return client as unknown as Client;
  };
}
