import { Writable } from 'node:stream';
import { ConfigError, ConfigErrorCode } from '@sysmanage/config';
import { LicensingError, LicensingErrorCode } from '../licensing/licensing-error';
import { reportStartupFailure, StartupExitCode } from './report-startup-failure';

/** A stderr stand-in that keeps what was written. */
function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

function report(err: unknown): { code: number; lines: string[] } {
  const out = capture();
  const code = reportStartupFailure(err, out.stream);
  return { code, lines: out.text().trimEnd().split('\n') };
}

describe('reportStartupFailure', () => {
  it('prints a ConfigError as text and JSON and returns 2', () => {
    const { code, lines } = report(
      new ConfigError(
        ConfigErrorCode.INVALID_VALUE,
        'registry.port',
        'registry.port: expected an integer 1-65535, got "abc"',
      ),
    );
    expect(code).toBe(2);
    expect(code).toBe(StartupExitCode.CONFIG);
    expect(lines[0]).toBe('ConfigError: registry.port: expected an integer 1-65535, got "abc"');
    expect(JSON.parse(lines[1])).toMatchObject({
      level: 'fatal',
      msg: 'startup failed',
      err: {
        type: 'ConfigError',
        code: 'INVALID_VALUE',
        key: 'registry.port',
        message: 'registry.port: expected an integer 1-65535, got "abc"',
      },
    });
    expect(lines).toHaveLength(2);
  });

  it('prints a LicensingError and returns 3', () => {
    const err = new LicensingError(LicensingErrorCode.EXPIRED, 'license x expired', 'renew it');
    const { code, lines } = report(err);
    expect(code).toBe(3);
    expect(lines[0]).toBe(`LicensingError: ${err.message}`);
    expect(lines[0]).toContain('MULTITENANT_SAAS');
    expect(JSON.parse(lines[1]).err).toEqual({
      type: 'LicensingError',
      code: 'EXPIRED',
      key: null,
      message: err.message,
    });
  });

  it('returns 1 for anything else, with the stack in the JSON line', () => {
    const { code, lines } = report(new TypeError('boom'));
    expect(code).toBe(1);
    expect(lines[0]).toBe('TypeError: boom');
    expect(JSON.parse(lines[1]).err).toMatchObject({ type: 'TypeError', code: null, message: 'boom' });
    expect(JSON.parse(lines[1]).err.stack).toContain('TypeError: boom');
  });

  it('copes with a thrown non-Error', () => {
    const { code, lines } = report('plain string');
    expect(code).toBe(1);
    expect(lines[0]).toBe('Error: plain string');
  });
});
