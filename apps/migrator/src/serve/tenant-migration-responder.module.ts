import { Module } from '@nestjs/common';

/**
 * Home of the NATS responder that migrates one tenant database on request
 * (MIGRATE_TENANT_SUBJECT, queue group MIGRATOR_QUEUE_GROUP, step 4 of the
 * provisioning saga). It lands with the OpenBAO credential provider; until
 * then it subscribes to nothing, so no request is answered with a fake result.
 */
@Module({})
export class TenantMigrationResponderModule {}
