import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';

/**
 * Turns whatever node-vault rejected with (its ApiResponseError carrying
 * `response.statusCode/body`, or an axios network error carrying `code`)
 * into an OpenBaoError with a code and a transient flag.
 *
 * Transient: no connection, timeouts, 429, 503 (sealed/standby), 502/504,
 * the kv v2 "Waiting for the primary to upgrade" 400, and 500s that are
 * not recognisably permanent.
 *
 * 500 is OpenBAO's catch-all, so it is split by its message (decision
 * documented in the README):
 *  - permanent when the message names a configuration mistake that no retry
 *    fixes: a role outside the connection's `allowed_roles` ("is not an
 *    allowed role"), "unknown role", a missing connection ("failed to find
 *    entry for connection"), or a PostgreSQL error whose SQLSTATE class is
 *    not a transient one (42 syntax/privilege, 28 authentication, 22 data...);
 *  - transient otherwise, including SQLSTATE classes 08 (connection), 40
 *    (rollback/serialization), 53 (resources, e.g. too many connections),
 *    57 (shutdown, admin termination), 58 (system I/O) and plugin dial errors
 *    ("connection refused" to the database), which a later try can outlive.
 */

const PERMANENT_500 = [
  /is not an allowed role/i,
  /unknown role/i,
  /failed to find entry for connection/i,
  /no such role/i,
  /plugin not found/i,
];
const SQLSTATE = /SQLSTATE\s+([0-9A-Z]{5})/i;
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);
const UPGRADE_PENDING = /waiting for the primary to upgrade/i;
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

export interface RequestDescription {
  method: string;
  /** API path without the `/v1/` prefix and without a query. */
  path: string;
  /** Base URL, used in network error messages (never contains credentials). */
  url: string;
  timeoutMs: number;
}

interface HttpFailure {
  status: number;
  body: unknown;
}

export function classifyError(err: unknown, req: RequestDescription): OpenBaoError {
  if (err instanceof OpenBaoError) return err;
  const http = httpFailure(err);
  if (http !== null) return classifyHttp(http, req, err);
  return classifyNetwork(err, req);
}

/** The `{errors: [...]}` strings, one line each ("1 error occurred:\n\t* x" becomes "x"). */
export function serverMessages(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || !('errors' in body) || !Array.isArray(body.errors))
    return [];
  return body.errors
    .filter((e): e is string => typeof e === 'string')
    .map(normaliseMessage)
    .filter((m) => m !== '');
}

export function isPermanent500(messages: readonly string[]): boolean {
  const text = messages.join('\n');
  if (PERMANENT_500.some((re) => re.test(text))) return true;
  const sqlstate = SQLSTATE.exec(text);
  return sqlstate !== null && !TRANSIENT_SQLSTATE_CLASSES.has(sqlstate[1].slice(0, 2));
}

function normaliseMessage(raw: string): string {
  return raw
    .replace(/^\s*\d+ errors? occurred:\s*/i, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s*/, '').trim())
    .filter((line) => line !== '')
    .join('; ');
}

function httpFailure(err: unknown): HttpFailure | null {
  if (typeof err !== 'object' || err === null || !('response' in err)) return null;
  const response = err.response;
  if (typeof response !== 'object' || response === null) return null;
  if ('statusCode' in response && typeof response.statusCode === 'number') {
    return { status: response.statusCode, body: 'body' in response ? response.body : undefined };
  }
  return null;
}

function classifyHttp({ status, body }: HttpFailure, req: RequestDescription, cause: unknown): OpenBaoError {
  const messages = serverMessages(body);
  const detail = messages.length > 0 ? messages.join('; ') : status === 404 ? 'not found' : `HTTP ${status}`;
  const { code, transient } = codeForStatus(status, messages);
  return new OpenBaoError(`OpenBAO ${req.method} ${req.path} failed (${status}): ${detail}`, {
    code,
    status,
    path: req.path,
    transient,
    serverMessages: messages,
    cause: stripCause(cause),
  });
}

function codeForStatus(
  status: number,
  messages: readonly string[],
): { code: OpenBaoErrorCode; transient: boolean } {
  switch (status) {
    case 400:
      return { code: OpenBaoErrorCode.BAD_REQUEST, transient: messages.some((m) => UPGRADE_PENDING.test(m)) };
    case 403:
      return { code: OpenBaoErrorCode.PERMISSION_DENIED, transient: false };
    case 404:
      return { code: OpenBaoErrorCode.NOT_FOUND, transient: false };
    case 429:
      return { code: OpenBaoErrorCode.RATE_LIMITED, transient: true };
    case 500:
      return { code: OpenBaoErrorCode.SERVER_ERROR, transient: !isPermanent500(messages) };
    case 501:
      // Not initialised: an operator has to act.
      return { code: OpenBaoErrorCode.SERVER_ERROR, transient: false };
    case 503:
      return { code: OpenBaoErrorCode.SEALED, transient: true };
    default:
      if (status >= 500) return { code: OpenBaoErrorCode.SERVER_ERROR, transient: true };
      return { code: OpenBaoErrorCode.BAD_REQUEST, transient: false };
  }
}

function classifyNetwork(err: unknown, req: RequestDescription): OpenBaoError {
  const networkCode = errorCode(err);
  const timedOut =
    (networkCode !== null && TIMEOUT_CODES.has(networkCode)) || /timeout/i.test(errorMessage(err));
  if (timedOut) {
    return new OpenBaoError(
      `OpenBAO ${req.method} ${req.path} failed (timeout): no answer from ${req.url} within ${req.timeoutMs} ms`,
      {
        code: OpenBaoErrorCode.TIMEOUT,
        status: null,
        path: req.path,
        transient: true,
        networkCode,
        cause: stripCause(err),
      },
    );
  }
  const reason = networkCode ?? errorMessage(err);
  return new OpenBaoError(
    `OpenBAO ${req.method} ${req.path} failed (unreachable): ${reason} connecting to ${req.url}`,
    {
      code: OpenBaoErrorCode.UNREACHABLE,
      status: null,
      path: req.path,
      transient: true,
      networkCode,
      cause: stripCause(err),
    },
  );
}

function errorCode(err: unknown): string | null {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return null;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * axios errors carry the request config (headers with X-Vault-Token, bodies
 * with passwords); keep only name/message/code so a logged cause leaks nothing.
 */
function stripCause(err: unknown): Error {
  const plain = new Error(errorMessage(err));
  plain.name = err instanceof Error ? err.name : 'Error';
  const code = errorCode(err);
  if (code !== null) Object.assign(plain, { code });
  return plain;
}
