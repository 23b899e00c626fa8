import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { encodeMessage, MIGRATOR_QUEUE_GROUP } from '@sysmanage/contracts';
import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import { errorMessage } from '../errors/migrator-error';

/**
 * A request/reply responder of the migrator in MIGRATOR_QUEUE_GROUP (exactly
 * one instance answers a request). Subclasses turn request bytes into a reply
 * and never throw for a bad request; this base subscribes on bootstrap,
 * tracks requests in flight, and on shutdown stops taking new ones and waits
 * for those in flight.
 */
export abstract class NatsResponder<Reply extends object>
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private subscription: Subscription | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  protected constructor(
    protected readonly nc: NatsConnection,
    protected readonly logger: Logger,
    private readonly subject: string,
    /** Log context, e.g. `MigrateTenant`. */
    protected readonly context: string,
  ) {}

  /** The reply for one request; errors must become a reply, not a rejection. */
  protected abstract answer(data: Uint8Array): Promise<Reply>;

  /** Log fields identifying a reply (e.g. its tenant id). */
  protected describe(_reply: Reply): Record<string, unknown> {
    return {};
  }

  onApplicationBootstrap(): void {
    this.subscription = this.nc.subscribe(this.subject, {
      queue: MIGRATOR_QUEUE_GROUP,
      callback: (err, msg) => {
        if (err !== null) {
          this.logger.error({ context: this.context, err: errorMessage(err) }, 'subscription error');
          return;
        }
        const work = this.handle(msg).finally(() => this.inFlight.delete(work));
        this.inFlight.add(work);
      },
    });
    this.logger.info(
      { context: this.context, subject: this.subject, queue: MIGRATOR_QUEUE_GROUP },
      `${this.subject} responder subscribed`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = null;
    await Promise.allSettled([...this.inFlight]);
  }

  private async handle(msg: Msg): Promise<void> {
    const reply = await this.answer(msg.data);
    if (msg.reply === undefined || msg.reply === '') {
      this.logger.warn(
        { context: this.context, ...this.describe(reply) },
        'request without a reply subject; result not sent',
      );
      return;
    }
    try {
      msg.respond(encodeMessage(reply));
    } catch (err) {
      this.logger.error(
        { context: this.context, ...this.describe(reply), err: errorMessage(err) },
        'could not send the reply',
      );
    }
  }
}
