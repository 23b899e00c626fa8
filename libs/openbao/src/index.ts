export {
  OpenBaoClient,
  type OpenBaoClientOptions,
  type FromConfigOptions,
  type TokenChangeListener,
} from './openbao-client';
export { OpenBaoError, OpenBaoErrorCode, isOpenBaoError, type OpenBaoErrorDetails } from './openbao-error';
export { classifyError, isPermanent500 } from './classify-error';
export type { VaultHttpClient } from './openbao-transport';
export { DEFAULT_RETRY, backoffDelay, type RetryOptions } from './retry';
export { systemClock, type Clock, type TimerHandle } from './clock';
export { TokenRenewer, type TokenRenewerOptions, type TokenRenewerStats } from './token-renewer';
export { LeaseCache, type LeaseCacheOptions } from './lease-cache';
export { LeaseCacheError, LeaseCacheErrorCode } from './lease-cache-error';
export type {
  LeaseSource,
  CredentialRotation,
  RotationReason,
  LeaseCacheHooks,
  LeaseCacheStats,
} from './lease-cache.types';
export { POSTGRES_PLUGIN } from './database-mapping';
export * from './openbao.types';
export {
  ensureLocalOpenBao,
  type EnsureLocalOpenBaoOptions,
  type LocalOpenBao,
} from './local-server/ensure-local-openbao';
export { LocalOpenBaoError, LocalOpenBaoErrorCode } from './local-server/local-openbao-error';
export { probeHealth, type SealHealth } from './local-server/seal-api';
export { initFilePath } from './local-server/init-file';
