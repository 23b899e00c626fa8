export { HarnessError, HarnessErrorCode } from './harness-error';
export { freePort, freePortPair } from './free-port';
export { reapStaleHarnessProcesses, type ReapReport } from './process/registry';
export type { PgInstance, PgStopOptions, StartPostgresOptions } from './postgres/pg-instance';
export type { PgBinarySource } from './postgres/pg-binaries';
export { startPostgres } from './postgres/pg-server';
