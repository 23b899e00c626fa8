export interface NatsConnectionOptions {
  /** `nats.servers` of the config, e.g. ['nats://127.0.0.1:4222']. */
  servers: string[];
  /** Connection name shown by the server (`nats server report connections`): the service name. */
  name: string;
  /** How long one connection attempt may take at start; default 5 s. */
  connectTimeoutMs?: number;
  /** Pause between reconnect attempts; default 1 s. Attempts never stop. */
  reconnectTimeWaitMs?: number;
  /** How long shutdown waits for in-flight messages to drain before closing hard; default 5 s. */
  drainTimeoutMs?: number;
}

/** DI token of the process's NatsConnection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const NATS_CONNECTION_OPTIONS = Symbol('NATS_CONNECTION_OPTIONS');
