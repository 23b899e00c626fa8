import { Inject, Injectable } from '@nestjs/common';
import {
  ContractError,
  MIGRATOR_TENANT_VERSIONS_SUBJECT,
  NATS_CONNECTION,
  TenantVersionsRequest,
  validateMessage,
  type TenantVersionsReply,
} from '@sysmanage/contracts';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { errorMessage } from '../errors/migrator-error';
import { NatsResponder } from './nats-responder';
import { RESPONDER_LOGGER } from './tenant-migration.responder';
import { TenantVersionsService } from './tenant-versions.service';

/**
 * Answers MIGRATOR_TENANT_VERSIONS_SUBJECT (the registry's `GET
 * /migration-status` asks it for the actual versions). A malformed request
 * or a registry failure gets an empty list; the asker then reports the
 * versions as unknown.
 */
@Injectable()
export class TenantVersionsResponder extends NatsResponder<TenantVersionsReply> {
  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(TenantVersionsService) private readonly service: TenantVersionsService,
    @Inject(RESPONDER_LOGGER) logger: Logger,
  ) {
    super(nc, logger, MIGRATOR_TENANT_VERSIONS_SUBJECT, 'TenantVersions');
  }

  protected async answer(data: Uint8Array): Promise<TenantVersionsReply> {
    let request: TenantVersionsRequest;
    try {
      request = validateMessage(TenantVersionsRequest, data);
    } catch (err) {
      const message = err instanceof ContractError ? err.message : errorMessage(err);
      this.logger.warn({ context: this.context, err: message }, 'invalid tenant-versions request');
      return { versions: [] };
    }
    try {
      const versions = await this.service.read(request);
      this.logger.info(
        {
          context: this.context,
          tenants: versions.length,
          unreadable: versions.filter((v) => v.error).length,
        },
        'tenant versions read',
      );
      return { versions };
    } catch (err) {
      this.logger.error({ context: this.context, err: errorMessage(err) }, 'tenant-versions request failed');
      return { versions: [] };
    }
  }
}
