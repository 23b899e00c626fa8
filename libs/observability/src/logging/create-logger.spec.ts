import { runWithContext } from '../context/request-context';
import { ObservabilityErrorCode } from '../observability.error';
import { createLogger } from './create-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(JSON.parse(line)) } };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level name, service and msg', () => {
    const { lines, stream } = capture();
    createLogger('registry', 'info', stream).child({ context: 'TenantsService' }).info('tenant created');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'registry',
      context: 'TenantsService',
      msg: 'tenant created',
    });
    expect(new Date(String(lines[0]!['time'])).toISOString()).toBe(lines[0]!['time']);
    expect(lines[0]).not.toHaveProperty('requestId');
  });

  it('adds requestId and tenantId of the current context, and only inside it', async () => {
    const { lines, stream } = capture();
    const logger = createLogger('ingest', 'info', stream);

    await runWithContext({ requestId: 'req-1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.info('before tenant');
      runWithContext({ tenantId: 't-1' }, () => logger.info('with tenant'));
    });
    logger.info('outside');

    expect(lines.map((l) => [l['msg'], l['requestId'], l['tenantId']])).toEqual([
      ['before tenant', 'req-1', undefined],
      ['with tenant', 'req-1', 't-1'],
      ['outside', undefined, undefined],
    ]);
  });

  it('keeps concurrent contexts apart', async () => {
    const { lines, stream } = capture();
    const logger = createLogger('ingest', 'info', stream);
    const work = (id: string, delayMs: number) =>
      runWithContext({ requestId: id }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        logger.info(id);
      });

    await Promise.all([work('slow', 20), work('fast', 1)]);

    expect(lines.map((l) => [l['msg'], l['requestId']])).toEqual([
      ['fast', 'fast'],
      ['slow', 'slow'],
    ]);
  });

  it('censors secrets at the top level and nested', () => {
    const { lines, stream } = capture();
    createLogger('registry', 'info', stream).info(
      {
        password: 'p1',
        token: 't1',
        'set-cookie': 'c1',
        registry: { host: 'db', password: 'p2' },
        req: { headers: { authorization: 'Bearer abc', 'x-api-key': 'k1', accept: 'json' } },
        vault: { approle: { secretId: 's1' }, secret: 's2' },
      },
      'config loaded',
    );

    const text = JSON.stringify(lines[0]);
    for (const secret of ['p1', 't1', 'c1', 'p2', 'Bearer abc', 'k1', 's1', 's2']) {
      expect(text).not.toContain(`"${secret}"`);
    }
    expect(lines[0]).toMatchObject({
      password: '[REDACTED]',
      'set-cookie': '[REDACTED]',
      registry: { host: 'db', password: '[REDACTED]' },
      req: { headers: { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', accept: 'json' } },
    });
  });

  it('honours the level and rejects an unknown one', () => {
    const { lines, stream } = capture();
    const logger = createLogger('registry', 'warn', stream);
    logger.info('dropped');
    logger.warn('kept');
    expect(lines.map((l) => l['msg'])).toEqual(['kept']);

    expect(() => createLogger('registry', 'loud', stream)).toThrow(
      expect.objectContaining({
        code: ObservabilityErrorCode.INVALID_LOG_LEVEL,
        message: expect.stringContaining('"loud"'),
      }),
    );
  });
});
