import { HarnessErrorCode } from '../harness-error';
import { quoteDatabaseName } from './pg-identifier';

describe('quoteDatabaseName', () => {
  it.each(['tenant_acme', '_x', 'a'.repeat(63)])('quotes %s', (name) => {
    expect(quoteDatabaseName(name)).toBe(`"${name}"`);
  });

  it.each(['', '1abc', 'Tenant', 'a-b', 'a"b', 'a'.repeat(64), 'x; DROP DATABASE y'])(
    'refuses %j',
    (name) => {
      expect(() => quoteDatabaseName(name)).toThrow(
        expect.objectContaining({
          code: HarnessErrorCode.INVALID_IDENTIFIER,
          message: `invalid database name ${JSON.stringify(name)}: expected 1-63 characters of a-z, 0-9 and _, not starting with a digit`,
        }),
      );
    },
  );
});
