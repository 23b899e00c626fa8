import { Inject, Injectable } from '@nestjs/common';
import {
  ContractError,
  MIGRATE_TENANT_SUBJECT,
  MigrateTenantRequest,
  NATS_CONNECTION,
  validateMessage,
  type MigrateTenantReply,
} from '@sysmanage/contracts';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { MigratorErrorCode, errorMessage } from '../errors/migrator-error';
import { NatsResponder } from './nats-responder';
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
export class TenantMigrationResponder extends NatsResponder<MigrateTenantReply> {
  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(TenantMigrationService) private readonly service: TenantMigrationService,
    @Inject(RESPONDER_LOGGER) logger: Logger,
  ) {
    super(nc, logger, MIGRATE_TENANT_SUBJECT, 'MigrateTenant');
  }

  protected override describe(reply: MigrateTenantReply): Record<string, unknown> {
    return { tenantId: reply.tenantId };
  }

  protected async answer(data: Uint8Array): Promise<MigrateTenantReply> {
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
