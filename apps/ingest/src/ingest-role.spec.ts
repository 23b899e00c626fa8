import { INGEST_ROLE_ENV, IngestRoleError, readIngestRole, runsAgentApi, runsWriters } from './ingest-role';

describe('readIngestRole', () => {
  it('is all when unset or empty', () => {
    expect(readIngestRole({})).toBe('all');
    expect(readIngestRole({ [INGEST_ROLE_ENV]: ' ' })).toBe('all');
  });

  it.each(['all', 'api', 'writer'] as const)('reads %s', (role) => {
    expect(readIngestRole({ [INGEST_ROLE_ENV]: role })).toBe(role);
  });

  it('refuses anything else, naming the variable and the value', () => {
    expect(() => readIngestRole({ [INGEST_ROLE_ENV]: 'writers' })).toThrow(IngestRoleError);
    expect(() => readIngestRole({ [INGEST_ROLE_ENV]: 'API' })).toThrow(
      'SYSMANAGE_INGEST_ROLE must be one of all, api, writer, got "API"',
    );
  });

  it('splits the work: api has no writers, writer has no agent API, all has both', () => {
    expect([runsAgentApi('all'), runsWriters('all')]).toEqual([true, true]);
    expect([runsAgentApi('api'), runsWriters('api')]).toEqual([true, false]);
    expect([runsAgentApi('writer'), runsWriters('writer')]).toEqual([false, true]);
  });
});
