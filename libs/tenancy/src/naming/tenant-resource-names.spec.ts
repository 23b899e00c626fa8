import { InvalidTenantSlugError, quoteIdent, tenantResourceNames } from './tenant-resource-names';

describe('tenantResourceNames', () => {
  it('derives the database, group roles and OpenBAO roles from the slug', () => {
    expect(tenantResourceNames('acme_2')).toEqual({
      databaseName: 'tenant_acme_2',
      ownerRole: 'tenant_acme_2_owner',
      appRole: 'tenant_acme_2_app',
      vaultAppRole: 'tenant-acme_2-app',
      vaultOwnerRole: 'tenant-acme_2-owner',
    });
  });

  it.each(['A', '1a', 'a-b', 'a'.repeat(41), "a'; DROP DATABASE x; --", ''])(
    'rejects the slug %p',
    (slug) => {
      expect(() => tenantResourceNames(slug)).toThrow(InvalidTenantSlugError);
    },
  );

  it('accepts one-letter slugs (tenants `a` and `b` of the operator guide)', () => {
    expect(tenantResourceNames('a').databaseName).toBe('tenant_a');
  });

  it('accepts the longest allowed slug (40 characters)', () => {
    expect(tenantResourceNames('a'.repeat(40)).databaseName).toHaveLength(47);
  });
});

describe('quoteIdent', () => {
  it('quotes plain identifiers and refuses anything else', () => {
    expect(quoteIdent('tenant_a_owner')).toBe('"tenant_a_owner"');
    expect(() => quoteIdent('x"; DROP ROLE y; --')).toThrow(/unexpected identifier/);
    expect(() => quoteIdent('Mixed')).toThrow(/unexpected identifier/);
  });
});
