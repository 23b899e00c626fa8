/** Request/reply: ask the migrator to bring one tenant database to the latest tenant chain. */
export const MIGRATE_TENANT_SUBJECT = 'sysmanage.migrator.migrate-tenant';
/** Queue group of the migrator's responders, so exactly one instance answers a request. */
export const MIGRATOR_QUEUE_GROUP = 'migrator';
