import { createLogger } from './create-logger';
import { PinoLoggerService } from './pino-logger.service';

function setup(level = 'trace') {
  const lines: Record<string, unknown>[] = [];
  const service = new PinoLoggerService(
    createLogger('registry', level, { write: (line: string) => void lines.push(JSON.parse(line)) }),
  );
  return { lines, service };
}

describe('PinoLoggerService', () => {
  it('maps Nest levels and takes the last string argument as the context', () => {
    const { lines, service } = setup();
    service.log('Nest application successfully started', 'NestApplication');
    service.warn('slow', 'Db');
    service.debug('details', 'Db');
    service.verbose('more details', 'Db');

    expect(lines.map((l) => [l['level'], l['context'], l['msg']])).toEqual([
      ['info', 'NestApplication', 'Nest application successfully started'],
      ['warn', 'Db', 'slow'],
      ['debug', 'Db', 'details'],
      ['trace', 'Db', 'more details'],
    ]);
  });

  it("keeps Nest's error(message, stack, context) stack and context apart", () => {
    const { lines, service } = setup();
    const stack = 'Error: boom\n    at Object.<anonymous> (x.ts:1:1)';
    service.error('boom', stack, 'ExceptionsHandler');
    service.error('lonely stack', stack);

    expect(lines[0]).toMatchObject({ level: 'error', msg: 'boom', stack, context: 'ExceptionsHandler' });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'lonely stack', stack });
    expect(lines[1]).not.toHaveProperty('context');
  });

  it('serialises Error and object messages', () => {
    const { lines, service } = setup();
    service.error(new Error('db down'), 'Boot');
    service.log({ msg: 'structured', tenants: 3 }, 'Stats');

    expect(lines[0]).toMatchObject({ msg: 'db down', context: 'Boot', err: { message: 'db down' } });
    expect(lines[1]).toMatchObject({ msg: 'structured', tenants: 3, context: 'Stats' });
  });

  it('writes nothing below the logger level', () => {
    const { lines, service } = setup('info');
    service.debug('hidden', 'X');
    service.verbose('hidden', 'X');
    expect(lines).toEqual([]);
  });
});
