import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  ContractError,
  encodeMessage,
  MIGRATE_TENANT_SUBJECT,
  MigrateTenantRequest,
  MIGRATOR_QUEUE_GROUP,
  NATS_CONNECTION,
  validateMessage,
  type MigrateTenantReply,
} from '@sysmanage/contracts';
import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import { MigratorErrorCode, errorMessage } from '../errors/migrator-error';
import { failureReply, TenantMigrationService } from './tenant-migration.service';

export const RESPONDER_LOGGER = Symbol('MIGRATOR_RESPONDER_LOGGER');
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant id of a request that failed validation, when it carries a usable one (so the asker can match the reply). */
function echoedTenantId(data: Uint8Array): string {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(data));
    const id =
      typeof parsed === 'object' && parsed !== null ? (parsed as { tenantId?: unknown }).tenantId : undefined;
    return typeof id === 'string' && UUID.test(id) ? id : NIL_UUID;
  } catch {
    return NIL_UUID;
  }
}

/**
 * Answers MIGRATE_TENANT_SUBJECT in the MIGRATOR_QUEUE_GROUP queue group (one
 * migrator instance answers each request). Every request gets a
 * MigrateTenantReply: a malformed one an INVALID_REQUEST error, an unexpected
 * failure an error reply too, never a crash. Shutdown stops taking requests
 * and waits for the ones in flight.
 */
@Injectable()
export class TenantMigrationResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TenantMigrationService) private readonly service: TenantMigrationService,
    @Inject(RESPONDER_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nc.subscribe(MIGRATE_TENANT_SUBJECT, {
      queue: MIGRATOR_QUEUE_GROUP,
      callback: (err, msg) => {
        if (err !== null) {
          this.logger.error({ context: 'MigrateTenant', err: errorMessage(err) }, 'subscription error');
          return;
        }
        const work = this.handle(msg).finally(() => this.inFlight.delete(work));
        this.inFlight.add(work);
      },
    });
    this.logger.info(
      { context: 'MigrateTenant', subject: MIGRATE_TENANT_SUBJECT, queue: MIGRATOR_QUEUE_GROUP },
      'migrate-tenant responder subscribed',
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
        { context: 'MigrateTenant', tenantId: reply.tenantId },
        'migrate-tenant request without a reply subject; result not sent',
      );
      return;
    }
    try {
      msg.respond(encodeMessage(reply));
    } catch (err) {
      this.logger.error(
        { context: 'MigrateTenant', tenantId: reply.tenantId, err: errorMessage(err) },
        'could not send the reply',
      );
    }
  }

  private async answer(data: Uint8Array): Promise<MigrateTenantReply> {
    let request: MigrateTenantRequest;
    try {
      request = validateMessage(MigrateTenantRequest, data);
    } catch (err) {
      const message = err instanceof ContractError ? err.message : errorMessage(err);
      this.logger.warn({ context: 'MigrateTenant', err: message }, 'invalid migrate-tenant request');
      return failureReply(echoedTenantId(data), MigratorErrorCode.INVALID_REQUEST, message);
    }
    const fields = {
      context: 'MigrateTenant',
      tenantId: request.tenantId,
      tenant: request.slug,
      jobId: request.jobId,
    };
    this.logger.info(fields, 'migrating tenant database on request');
    try {
      const reply = await this.service.migrate(request);
      if (reply.ok)
        this.logger.info(
          { ...fields, applied: reply.applied.length, version: reply.version },
          'tenant database migrated',
        );
      else
        this.logger.warn(
          { ...fields, code: reply.error?.code, err: reply.error?.message },
          'tenant database not migrated',
        );
      return reply;
    } catch (err) {
      this.logger.error({ ...fields, err: errorMessage(err) }, 'migrate-tenant request failed');
      return failureReply(
        request.tenantId,
        'UNEXPECTED',
        `migrating tenant ${request.slug} failed: ${errorMessage(err)}`,
      );
    }
  }
}
