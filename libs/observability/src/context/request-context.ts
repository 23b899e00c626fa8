import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of one unit of work (an HTTP request, a message) carries. */
export interface RequestContext {
  requestId?: string;
  tenantId?: string;
}

const storage = new AsyncLocalStorage<Readonly<RequestContext>>();

/**
 * Runs `fn` inside a request context. The context is scoped to `fn` and its async
 * continuations only (never `enterWith`, which would leak it into unrelated work).
 * A nested call inherits the outer fields it does not override, so a tenant
 * resolved deep inside a request keeps that request's id.
 */
export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  const parent = storage.getStore();
  const merged: RequestContext = { ...parent };
  if (ctx.requestId !== undefined) merged.requestId = ctx.requestId;
  if (ctx.tenantId !== undefined) merged.tenantId = ctx.tenantId;
  return storage.run(Object.freeze(merged), fn);
}

/** The context of the current unit of work, or undefined outside any. */
export function currentContext(): Readonly<RequestContext> | undefined {
  return storage.getStore();
}
