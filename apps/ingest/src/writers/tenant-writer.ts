import { INGEST_STREAM } from '@sysmanage/contracts';
import type { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { Logger } from 'pino';
import type { TenantDatabases } from '../tenant-db/tenant-databases';
import { isTenantUnavailable } from '../tenant-db/tenant-unavailable-error';
import { toAgentChange, type AgentChange } from './agent-change';
import { decodeIngestRecords } from './ingest-record';
import { pruneExpired, type PrunedTable } from './retention';
import { writeBatch, type BatchOutcome } from './write-batch';
import { ensureIngestStream, ensureWriterConsumer } from './writer-consumer';
import { WriterError, WriterErrorCode } from './writer-error';
import type { WriterFailureReason, WriterMetrics } from './writer-metrics';
import { backoffMs, type WriterSettings } from './writer-settings';

/** How each agent message of a processed batch ended. */
interface Settlement extends BatchOutcome {
  /** Refused by the database as bad data (isolated, logged): never stored, its envelope still acked. */
  rejected: AgentChange[];
}

export interface TenantWriterDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  databases: TenantDatabases;
  metrics: WriterMetrics;
  settings: WriterSettings;
  logger: Logger;
}

/** SQLSTATE classes that a retry cannot fix: cardinality (21), data exceptions (22), integrity violations (23). */
function isDataError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^2[123][0-9A-Z]{3}$/.test(code);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** At most this many message ids in one refusal log line (an envelope holds up to 500). */
const LOGGED_IDS = 20;

const TERM_REASONS: Record<WriterErrorCode, WriterFailureReason> = {
  [WriterErrorCode.MALFORMED_MESSAGE]: 'malformed',
  [WriterErrorCode.WRONG_TENANT]: 'wrong_tenant',
  [WriterErrorCode.INVALID_PAYLOAD]: 'invalid_payload',
  [WriterErrorCode.UNSUPPORTED_TYPE]: 'unsupported_type',
  [WriterErrorCode.UNKNOWN_HOST]: 'unknown_host',
  [WriterErrorCode.INVALID_SETTING]: 'malformed',
};

/**
 * One tenant's writer: fetches batches from the tenant's shared durable
 * consumer and stores each batch in one transaction, then acks it. While the
 * tenant database (or its credential) is unavailable it holds the batch,
 * keeps it from being redelivered elsewhere (working()), and retries with a
 * capped exponential backoff; nothing is acked that is not committed. One
 * loop per tenant: a dead database stalls only its own tenant.
 */
export class TenantWriter {
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private waiting: ConsumerMessages | null = null;
  private readonly log: Logger;
  /** When the tenant's ledger and heartbeats are pruned next (one interval after start, then every interval). */
  private nextPruneAt: number;

  constructor(
    readonly tenantId: string,
    private readonly deps: TenantWriterDeps,
  ) {
    this.log = deps.logger.child({ tenantId });
    this.nextPruneAt = Date.now() + deps.settings.ledgerPruneIntervalMs;
  }

  start(): void {
    this.loop ??= this.run().catch((error: unknown) =>
      this.log.error({ error: errorText(error) }, 'tenant writer stopped on an unexpected error'),
    );
  }

  /** Ends the loop: a batch being retried is nak'ed (another replica takes it), a batch being written finishes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.waiting?.stop();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let bound = await this.bind();
    if (bound !== null) this.log.info({ consumer: bound.name }, 'tenant writer started');
    while (!this.stopping && bound !== null) {
      await this.pruneIfDue();
      let batch: JsMsg[] = [];
      try {
        batch = await this.nextBatch(bound.consumer);
      } catch (error) {
        if (this.stopping) break;
        // The stream or the consumer may have been removed (an operator, a lost JetStream volume): recreate them.
        this.log.warn({ error: errorText(error) }, 'fetch from the ingest stream failed; binding again');
        await this.sleep(this.deps.settings.backoffBaseMs);
        bound = await this.bind();
        continue;
      }
      if (batch.length === 0) continue;
      const last = batch[batch.length - 1];
      if (last) this.deps.metrics.reportPending(this.tenantId, last.info.pending);
      if (this.stopping) {
        for (const msg of batch) msg.nak();
        break;
      }
      await this.process(batch);
    }
    this.deps.metrics.forget(this.tenantId);
    this.log.info('tenant writer stopped');
  }

  /**
   * Deletes the tenant's ledger rows and heartbeats past their retentions
   * when the interval is up. Between batches, so it takes no connection a
   * batch is waiting for; a failure is logged and retried at the next
   * interval, never stops the writer.
   */
  private async pruneIfDue(): Promise<void> {
    if (Date.now() < this.nextPruneAt) return;
    const { ledgerRetentionHours, heartbeatRetentionDays, ledgerPruneIntervalMs } = this.deps.settings;
    this.nextPruneAt = Date.now() + ledgerPruneIntervalMs;
    await this.prune('ledger', ledgerRetentionHours, { retentionHours: ledgerRetentionHours });
    if (heartbeatRetentionDays > 0)
      await this.prune('heartbeats', heartbeatRetentionDays, { retentionDays: heartbeatRetentionDays });
  }

  private async prune(table: PrunedTable, retention: number, logged: Record<string, number>): Promise<void> {
    try {
      const deleted = await this.deps.databases.withTenantClient(this.tenantId, (client) =>
        pruneExpired(client, table, retention),
      );
      this.deps.metrics.pruned(table, deleted);
      if (deleted > 0) this.log.info({ deleted, ...logged }, `${table} pruned`);
    } catch (error) {
      this.log.warn({ error: errorText(error) }, `${table} prune failed; retrying at the next interval`);
    }
  }

  /** Ensures the stream and the tenant's durable consumer (retrying with backoff); null once stopping. */
  private bind(): Promise<{ name: string; consumer: Consumer } | null> {
    return this.retrying('consumer', async () => {
      await ensureIngestStream(this.deps.jsm);
      const name = await ensureWriterConsumer(this.deps.jsm, this.tenantId, this.deps.settings.ackWaitMs);
      return { name, consumer: await this.deps.js.consumers.get(INGEST_STREAM, name) };
    });
  }

  /**
   * Waits (up to fetchExpiresMs, a long pull as JetStream recommends) for the
   * first message. A quiet tenant (the message was waited for longer than
   * batchLingerMs, and nothing else is pending) has it written at once. A
   * busy one takes what else is already waiting, then waits batchLingerMs
   * once more and takes what arrived meanwhile (the consumer's pending count
   * says how much), so its batches are several times larger than what
   * happened to be waiting at the first pull. No pull lingers to fill a batch.
   */
  private async nextBatch(consumer: Consumer): Promise<JsMsg[]> {
    const { batchSize, fetchExpiresMs, batchLingerMs } = this.deps.settings;
    const pulledAt = Date.now();
    const first = await this.pull(consumer, 1, fetchExpiresMs);
    const [head] = first;
    if (head === undefined || batchSize === 1 || this.stopping) return first;
    // Busy: a backlog, or the first message came sooner than a linger (more are likely to follow it).
    const busy = head.info.pending > 0 || Date.now() - pulledAt < batchLingerMs;
    if (!busy) return first;
    const batch =
      head.info.pending === 0
        ? first
        : [...first, ...(await this.more(consumer, Math.min(batchSize - 1, head.info.pending)))];
    if (batchLingerMs === 0 || batch.length >= batchSize || this.stopping) return batch;
    await this.sleep(batchLingerMs);
    if (this.stopping) return batch;
    let pending: number;
    try {
      pending = (await consumer.info()).num_pending;
    } catch (error) {
      this.log.warn({ error: errorText(error) }, 'consumer info failed; writing the batch as it is');
      return batch;
    }
    return pending === 0
      ? batch
      : [...batch, ...(await this.more(consumer, Math.min(batchSize - batch.length, pending)))];
  }

  /**
   * Pulls messages known to be waiting. The short expiry only matters if
   * another replica took them meanwhile. A failure returns nothing: the
   * messages already held are written (not left to time out), and the next
   * first pull finds out whether the consumer is gone.
   */
  private async more(consumer: Consumer, max: number): Promise<JsMsg[]> {
    try {
      return await this.pull(consumer, max, 1_000);
    } catch (error) {
      this.log.warn(
        { error: errorText(error) },
        'pull of waiting messages failed; writing the batch as it is',
      );
      return [];
    }
  }

  /** One pull; stop() ends a waiting one at once. */
  private async pull(consumer: Consumer, max: number, expires: number): Promise<JsMsg[]> {
    const messages = await consumer.fetch({ max_messages: max, expires });
    this.waiting = messages;
    const batch: JsMsg[] = [];
    try {
      for await (const msg of messages) batch.push(msg);
    } finally {
      this.waiting = null;
    }
    return batch;
  }

  /**
   * Decodes the fetched stream messages (envelopes of agent messages), writes
   * all their agent messages in one transaction, then settles each stream
   * message: acked once every agent message in it is stored or found in the
   * ledger, terminated when it cannot be decoded or its host is not in this
   * tenant, nak'ed when the writer stops first.
   */
  private async process(batch: readonly JsMsg[]): Promise<void> {
    const entries: Array<{ msg: JsMsg; changes: AgentChange[] }> = [];
    for (const msg of batch) {
      try {
        const records = decodeIngestRecords(this.tenantId, msg.data);
        entries.push({ msg, changes: records.map((record) => toAgentChange(record)) });
      } catch (error) {
        const code = error instanceof WriterError ? error.code : WriterErrorCode.MALFORMED_MESSAGE;
        this.terminate(msg, code, errorText(error), { subject: msg.subject, seq: msg.seq });
      }
    }
    if (entries.length === 0) return;
    const held = entries.map((entry) => entry.msg);
    const outcome = await this.persist(
      entries.flatMap((entry) => entry.changes),
      held,
    );
    if (outcome === null) {
      for (const msg of held) msg.nak();
      return;
    }
    this.settle(entries, outcome);
  }

  /**
   * Writes the changes in one transaction, retrying with backoff (and
   * holding `held` in the stream) while the database is unavailable; a data
   * error splits the batch so only the offending agent message is refused.
   * Null when the writer stopped first.
   */
  private async persist(changes: AgentChange[], held: readonly JsMsg[]): Promise<Settlement | null> {
    let failures = 0;
    for (;;) {
      if (this.stopping) return null;
      const started = process.hrtime.bigint();
      let outcome: BatchOutcome;
      try {
        outcome = await this.deps.databases.withTenantClient(this.tenantId, (client) =>
          writeBatch(client, changes),
        );
      } catch (error) {
        if (isDataError(error)) return this.isolate(changes, held, error);
        failures += 1;
        this.deps.metrics.failure(isTenantUnavailable(error) ? 'tenant_unavailable' : 'database');
        const delay = backoffMs(this.deps.settings, failures);
        // Loud on the first failure, then once in a while: a long outage must not flood the log.
        if (failures === 1 || failures % 10 === 0) {
          this.log.warn(
            {
              error: errorText(error),
              code: isTenantUnavailable(error) ? error.code : undefined,
              messages: changes.length,
              attempt: failures,
              retryInMs: delay,
            },
            'tenant batch not stored; holding it in the stream and retrying',
          );
        }
        await this.holdWhileWaiting(delay, held);
        continue;
      }
      this.deps.metrics.batchWritten(Number(process.hrtime.bigint() - started) / 1e9);
      if (failures > 0) this.log.info({ attempts: failures + 1 }, 'tenant batch stored after retries');
      return { ...outcome, rejected: [] };
    }
  }

  /** Sleeps `delay`, telling JetStream every third of ack_wait that the held messages are still being worked on. */
  private async holdWhileWaiting(delay: number, held: readonly JsMsg[]): Promise<void> {
    const step = Math.max(100, Math.floor(this.deps.settings.ackWaitMs / 3));
    for (const msg of held) msg.working();
    for (let left = delay; left > 0 && !this.stopping; left -= step) {
      await this.sleep(Math.min(step, left));
      if (left > step && !this.stopping) for (const msg of held) msg.working();
    }
  }

  /** A data error in a batch: write its agent messages one by one, so only the offending one is refused. */
  private async isolate(
    changes: AgentChange[],
    held: readonly JsMsg[],
    error: unknown,
  ): Promise<Settlement | null> {
    const [only] = changes;
    if (changes.length === 1 && only) {
      const { hostId, messageId, type } = only.record.message;
      this.refuse(WriterErrorCode.INVALID_PAYLOAD, errorText(error), { hostId, messageId, type });
      return { applied: [], duplicates: [], unknownHosts: [], rejected: [only] };
    }
    const merged: Settlement = { applied: [], duplicates: [], unknownHosts: [], rejected: [] };
    for (const change of changes) {
      const one = await this.persist([change], held);
      if (one === null) return null;
      merged.applied.push(...one.applied);
      merged.duplicates.push(...one.duplicates);
      merged.unknownHosts.push(...one.unknownHosts);
      merged.rejected.push(...one.rejected);
    }
    return merged;
  }

  private settle(entries: ReadonlyArray<{ msg: JsMsg; changes: AgentChange[] }>, outcome: Settlement): void {
    const now = Date.now();
    // Messages of one request share type and receivedAt: one metrics update per envelope, not per message.
    const groups = new Map<string, { type: string; receivedAt: string; count: number }>();
    for (const change of outcome.applied) {
      const { receivedAt } = change.record.message;
      const key = `${change.type}\u0000${receivedAt}`;
      const group = groups.get(key);
      if (group) group.count += 1;
      else groups.set(key, { type: change.type, receivedAt, count: 1 });
    }
    for (const { type, receivedAt, count } of groups.values()) {
      this.deps.metrics.persistedMessages(type, receivedAt, count, now);
    }
    this.deps.metrics.duplicate(outcome.duplicates.length);
    const unknown = new Set(outcome.unknownHosts);
    const refused = new Set([...outcome.unknownHosts, ...outcome.rejected]);
    for (const { msg, changes } of entries) {
      const stray = changes.filter((change) => unknown.has(change));
      const [first] = stray;
      if (first !== undefined) {
        const { hostId, type } = first.record.message;
        this.refuse(
          WriterErrorCode.UNKNOWN_HOST,
          `host ${hostId} is not in the hosts of tenant ${this.tenantId}`,
          {
            hostId,
            type,
            messages: stray.length,
            messageIds: stray.slice(0, LOGGED_IDS).map((c) => c.record.message.messageId),
          },
        );
      }
      // Nothing of it stored: terminated (JetStream's advisory says so); otherwise the stored rest acks it.
      if (changes.every((change) => refused.has(change))) msg.term();
      else msg.ack();
    }
  }

  /** Terminates a stream message: it leaves the stream with a loud log naming host, tenant and reason. */
  private terminate(
    msg: JsMsg,
    code: WriterErrorCode,
    reason: string,
    context: Record<string, unknown>,
  ): void {
    this.refuse(code, reason, context);
    msg.term();
  }

  /** Never written anywhere else: counted and logged loudly with the host, tenant and reason. */
  private refuse(code: WriterErrorCode, reason: string, context: Record<string, unknown>): void {
    this.deps.metrics.failure(TERM_REASONS[code]);
    this.log.error({ ...context, code, reason }, 'ingest message refused by the tenant writer');
  }

  /** Retries `action` with backoff until it succeeds or the writer stops (then null). */
  private async retrying<T>(what: string, action: () => Promise<T>): Promise<T | null> {
    for (let failures = 1; !this.stopping; failures += 1) {
      try {
        return await action();
      } catch (error) {
        this.log.warn({ error: errorText(error), what }, 'tenant writer setup failed; retrying');
        await this.sleep(backoffMs(this.deps.settings, failures));
      }
    }
    return null;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
