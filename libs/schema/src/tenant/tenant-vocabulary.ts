/**
 * Host status in the tenant database: `active` once enrolled, `offline` when
 * heartbeats stopped, `revoked` after its credential was revoked. Text with a
 * CHECK, so a later release can widen it with one expand migration.
 */
export const HOST_STATUSES = ['active', 'offline', 'revoked'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];
