import {
  currentTenant,
  requireTenant,
  runInTenant,
  TenantContextError,
  TenantContextErrorCode,
} from './tenant-context';

describe('tenant context', () => {
  it('has no tenant outside runInTenant and requireTenant throws a typed error', () => {
    expect(currentTenant()).toBeUndefined();
    expect(() => requireTenant()).toThrow(TenantContextError);
    try {
      requireTenant();
    } catch (error) {
      expect(error).toMatchObject({
        code: TenantContextErrorCode.NO_TENANT,
        message: expect.stringContaining('runInTenant'),
      });
    }
  });

  it('carries the tenant across awaits and timers, and restores the outer one after a nested run', async () => {
    const seen: string[] = [];
    await runInTenant({ tenantId: 't-a', slug: 'acme' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(requireTenant().tenantId);
      expect(currentTenant()).toEqual({ tenantId: 't-a', slug: 'acme' });
      await runInTenant({ tenantId: 't-b' }, async () => {
        await Promise.resolve();
        seen.push(requireTenant().tenantId);
      });
      seen.push(requireTenant().tenantId);
    });
    expect(seen).toEqual(['t-a', 't-b', 't-a']);
    expect(currentTenant()).toBeUndefined();
  });

  it('keeps concurrent runs apart', async () => {
    const results = await Promise.all(
      ['x', 'y', 'z'].map((id, i) =>
        runInTenant({ tenantId: id }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 10 - i * 3));
          return requireTenant().tenantId;
        }),
      ),
    );
    expect(results).toEqual(['x', 'y', 'z']);
  });

  it('refuses an empty tenant id', () => {
    expect(() => runInTenant({ tenantId: ' ' }, () => 1)).toThrow(
      expect.objectContaining({ code: TenantContextErrorCode.INVALID_TENANT }),
    );
  });
});
