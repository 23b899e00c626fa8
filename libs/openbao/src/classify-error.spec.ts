import { classifyError, isPermanent500, serverMessages } from './classify-error';
import { OpenBaoErrorCode } from './openbao-error';
import { httpError, networkError } from './__fixtures__/fake-vault';

const req = { method: 'POST', path: 'database/roles/x', url: 'http://127.0.0.1:8200', timeoutMs: 2_000 };

describe('classifyError', () => {
  it.each([
    [400, ['invalid request'], OpenBaoErrorCode.BAD_REQUEST, false],
    [
      400,
      ['Waiting for the primary to upgrade from non-versioned to versioned data. Please try again.'],
      OpenBaoErrorCode.BAD_REQUEST,
      true,
    ],
    [403, ['permission denied'], OpenBaoErrorCode.PERMISSION_DENIED, false],
    [404, [], OpenBaoErrorCode.NOT_FOUND, false],
    [405, ['unsupported operation'], OpenBaoErrorCode.BAD_REQUEST, false],
    [429, ['rate limit quota exceeded'], OpenBaoErrorCode.RATE_LIMITED, true],
    [500, ['1 error occurred:\n\t* "app" is not an allowed role\n\n'], OpenBaoErrorCode.SERVER_ERROR, false],
    [500, ['unknown role: app'], OpenBaoErrorCode.SERVER_ERROR, false],
    [
      500,
      ['1 error occurred:\n\t* failed to find entry for connection with name: "nope"\n\n'],
      OpenBaoErrorCode.SERVER_ERROR,
      false,
    ],
    [500, ['ERROR: syntax error at or near "CREAT" (SQLSTATE 42601)'], OpenBaoErrorCode.SERVER_ERROR, false],
    [500, ['FATAL: sorry, too many clients already (SQLSTATE 53300)'], OpenBaoErrorCode.SERVER_ERROR, true],
    [
      500,
      [
        'unable to start transaction: failed to connect: dial error (dial tcp 127.0.0.1:1: connect: connection refused)',
      ],
      OpenBaoErrorCode.SERVER_ERROR,
      true,
    ],
    [500, [], OpenBaoErrorCode.SERVER_ERROR, true],
    [501, [], OpenBaoErrorCode.SERVER_ERROR, false],
    [502, [], OpenBaoErrorCode.SERVER_ERROR, true],
    [503, ['Vault is sealed'], OpenBaoErrorCode.SEALED, true],
  ])('HTTP %i %j -> %s (transient %s)', (status, errors, code, transient) => {
    const err = classifyError(httpError(status, errors), req);
    expect(err).toMatchObject({ code, status, transient, path: 'database/roles/x', networkCode: null });
    expect(err.message).toMatch(new RegExp(`^OpenBAO POST database/roles/x failed \\(${status}\\): `));
  });

  it('puts OpenBAO’s own messages, one line each, into the message', () => {
    const err = classifyError(
      httpError(500, ['1 error occurred:\n\t* "app" is not an allowed role\n\n']),
      req,
    );
    expect(err.message).toBe('OpenBAO POST database/roles/x failed (500): "app" is not an allowed role');
    expect(err.serverMessages).toEqual(['"app" is not an allowed role']);
  });

  it('joins several messages and names the status when there are none', () => {
    expect(classifyError(httpError(400, ['a', 'b']), req).message).toBe(
      'OpenBAO POST database/roles/x failed (400): a; b',
    );
    expect(classifyError(httpError(404), req).message).toBe(
      'OpenBAO POST database/roles/x failed (404): not found',
    );
    expect(classifyError(httpError(502), req).message).toBe(
      'OpenBAO POST database/roles/x failed (502): HTTP 502',
    );
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH'])(
    '%s is UNREACHABLE and transient',
    (code) => {
      const err = classifyError(networkError(code), req);
      expect(err).toMatchObject({
        code: OpenBaoErrorCode.UNREACHABLE,
        status: null,
        transient: true,
        networkCode: code,
      });
      expect(err.message).toBe(
        `OpenBAO POST database/roles/x failed (unreachable): ${code} connecting to http://127.0.0.1:8200`,
      );
    },
  );

  it('an axios timeout is TIMEOUT and transient', () => {
    const err = classifyError(networkError('ECONNABORTED', 'timeout of 2000ms exceeded'), req);
    expect(err).toMatchObject({ code: OpenBaoErrorCode.TIMEOUT, status: null, transient: true });
    expect(err.message).toBe(
      'OpenBAO POST database/roles/x failed (timeout): no answer from http://127.0.0.1:8200 within 2000 ms',
    );
  });

  it('keeps no request config (token headers) in the cause', () => {
    const err = classifyError(networkError('ECONNREFUSED'), req);
    expect(JSON.stringify(err.cause, Object.getOwnPropertyNames(err.cause as object))).not.toContain(
      'must-not-leak',
    );
    expect(err.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('ignores non-string entries in errors bodies', () => {
    expect(serverMessages({ errors: ['x', 3, null] })).toEqual(['x']);
    expect(serverMessages('html page')).toEqual([]);
  });

  it('treats only non-transient SQLSTATE classes as permanent', () => {
    expect(isPermanent500(['pq: permission denied to create role (SQLSTATE 42501)'])).toBe(true);
    expect(
      isPermanent500(['FATAL: terminating connection due to administrator command (SQLSTATE 57P01)']),
    ).toBe(false);
    expect(isPermanent500(['ERROR: could not serialize access (SQLSTATE 40001)'])).toBe(false);
    expect(isPermanent500(['plugin crashed'])).toBe(false);
  });
});
