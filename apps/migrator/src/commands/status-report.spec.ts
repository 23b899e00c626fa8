import { compareChain } from '../chain/chain-state';
import { formatStatusTable } from './status-report';

describe('compareChain', () => {
  const known = [
    { name: 'InitRegistry1700000000000', timestamp: 1700000000000 },
    { name: 'AddTokens1700000000100', timestamp: 1700000000100 },
  ];

  it('nothing applied: no current, everything pending', () => {
    expect(compareChain('registry', known, [])).toEqual({
      chain: 'registry',
      current: null,
      head: 'AddTokens1700000000100',
      pending: ['InitRegistry1700000000000', 'AddTokens1700000000100'],
    });
  });

  it('partly applied: current is the newest applied, pending the rest', () => {
    expect(compareChain('registry', known, [known[0]!])).toMatchObject({
      current: 'InitRegistry1700000000000',
      pending: ['AddTokens1700000000100'],
    });
  });
});

describe('formatStatusTable', () => {
  it('one row per database and chain, failed databases with their error', () => {
    const table = formatStatusTable([
      {
        database: 'sysmanage_registry',
        server: 'db:5432',
        tenant: null,
        status: 'ok',
        chains: [
          {
            chain: 'registry',
            current: 'A1700000000000',
            head: 'B1700000000001',
            pending: ['B1700000000001'],
            pendingCount: 1,
          },
        ],
        error: null,
        errorCode: null,
      },
      {
        database: 'tenant_acme',
        server: 't1:5432',
        tenant: 'acme',
        status: 'failed',
        chains: [],
        error: 'no credentials',
        errorCode: 'TENANT_CREDENTIALS_UNAVAILABLE',
      },
    ]);
    expect(table.split('\n')).toEqual([
      'DATABASE            TENANT  SERVER   CHAIN     CURRENT         HEAD            PENDING',
      'sysmanage_registry  -       db:5432  registry  A1700000000000  B1700000000001  1',
      'tenant_acme         acme    t1:5432  -         ERROR           -               -',
      'tenant_acme @t1:5432: no credentials',
    ]);
  });
});
