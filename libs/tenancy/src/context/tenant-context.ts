import { AsyncLocalStorage } from 'node:async_hooks';

export interface TenantContextValue {
  readonly tenantId: string;
  readonly slug?: string;
}

export enum TenantContextErrorCode {
  /** Code that needs a tenant ran outside runInTenant(). */
  NO_TENANT = 'NO_TENANT',
  /** runInTenant() was given an empty tenant id. */
  INVALID_TENANT = 'INVALID_TENANT',
}

export class TenantContextError extends Error {
  override readonly name = 'TenantContextError';
  constructor(
    readonly code: TenantContextErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// Only scoped run() is offered: enterWith() would leak one tenant's context into unrelated async work.
const storage = new AsyncLocalStorage<TenantContextValue>();

/** Runs fn with ctx as the current tenant for everything fn awaits or schedules; the previous context is restored after. */
export function runInTenant<T>(ctx: TenantContextValue, fn: () => T): T {
  if (typeof ctx.tenantId !== 'string' || ctx.tenantId.trim() === '') {
    throw new TenantContextError(
      TenantContextErrorCode.INVALID_TENANT,
      'runInTenant needs a non-empty tenantId',
    );
  }
  const value: TenantContextValue = Object.freeze(
    ctx.slug === undefined ? { tenantId: ctx.tenantId } : { tenantId: ctx.tenantId, slug: ctx.slug },
  );
  return storage.run(value, fn);
}

export function currentTenant(): TenantContextValue | undefined {
  return storage.getStore();
}

export function requireTenant(): TenantContextValue {
  const ctx = storage.getStore();
  if (!ctx) {
    throw new TenantContextError(
      TenantContextErrorCode.NO_TENANT,
      'No tenant in context: this code must run inside runInTenant()',
    );
  }
  return ctx;
}
