import { Logger } from '@nestjs/common';
import { connect, DebugEvents, Events, type NatsConnection, type Status } from 'nats';
import { NatsConnectionError, NatsConnectionErrorCode } from './nats-connection.error';
import type { NatsConnectionOptions } from './nats-connection.options';

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_RECONNECT_WAIT_MS = 1_000;

function describe(status: Status): string {
  return typeof status.data === 'string' || typeof status.data === 'number'
    ? String(status.data)
    : JSON.stringify(status.data);
}

async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) {
    switch (status.type) {
      case Events.Disconnect:
        logger.warn(`disconnected from ${describe(status)}; reconnecting`);
        break;
      case Events.Reconnect:
        logger.log(`reconnected to ${describe(status)}`);
        break;
      case Events.LDM:
        logger.warn(`server ${describe(status)} entered lame duck mode; will move to another server`);
        break;
      case Events.Error:
        logger.error(`async error from the server: ${describe(status)}`);
        break;
      case DebugEvents.Reconnecting:
        logger.debug(`reconnect attempt to ${describe(status)}`);
        break;
      default:
        logger.debug(`status ${status.type}: ${describe(status)}`);
    }
  }
}

/**
 * Connects once (failing at start with a clear error when no server answers,
 * so a misconfiguration is loud) and from then on reconnects forever: a NATS
 * restart must not take a service down. Status changes are logged.
 */
export async function openNatsConnection(options: NatsConnectionOptions): Promise<NatsConnection> {
  const logger = new Logger(`NatsConnection(${options.name})`);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      name: options.name,
      timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? DEFAULT_RECONNECT_WAIT_MS,
      // Every request/publish-ack otherwise captures an Error for its async stack trace: measurable CPU
      // on ingest's hot path (tools/bench/ingest profile); failures still say which subject timed out.
      noAsyncTraces: true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NatsConnectionError(
      NatsConnectionErrorCode.CONNECT_FAILED,
      `cannot connect to NATS at ${options.servers.join(', ')} (nats.servers): ${reason}`,
    );
  }
  logger.log(`connected to ${nc.getServer()}`);
  void logStatus(nc, logger).catch((error: unknown) =>
    logger.error(`status watcher stopped: ${String(error)}`),
  );
  void nc.closed().then((error) => {
    if (error) logger.error(`connection closed with error: ${error.message}`);
  });
  return nc;
}

/**
 * Drains (finishes in-flight work, flushes, then closes); if that does not end
 * within `timeoutMs` (e.g. the server is gone), closes hard.
 */
export async function closeNatsConnection(nc: NatsConnection, timeoutMs: number): Promise<void> {
  if (nc.isClosed()) return;
  const logger = new Logger('NatsConnection');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const drained = nc.isDraining()
      ? nc.closed().then(() => 'drained' as const)
      : nc.drain().then(() => 'drained' as const);
    const outcome = await Promise.race([drained.catch(() => 'failed' as const), timedOut]);
    // While the client is reconnecting (server gone), nats.js resolves drain() without closing the
    // connection, and its reconnect loop would keep the process alive: close whatever the outcome.
    if (!nc.isClosed()) {
      if (outcome !== 'drained') logger.warn(`drain did not complete (${outcome}); closing the connection`);
      await nc.close();
    }
    logger.log(outcome === 'drained' ? 'connection drained and closed' : 'connection closed');
  } finally {
    clearTimeout(timer);
  }
}
