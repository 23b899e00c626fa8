/** What went wrong talking to OpenBAO; callers branch on this, not on messages. */
export enum OpenBaoErrorCode {
  /** No TCP connection (refused, reset, DNS, host unreachable). */
  UNREACHABLE = 'UNREACHABLE',
  /** No answer within the request timeout. */
  TIMEOUT = 'TIMEOUT',
  /** 429: a rate-limit quota (or a standby answering health). */
  RATE_LIMITED = 'RATE_LIMITED',
  /** 5xx other than 503; `transient` tells whether a retry can help. */
  SERVER_ERROR = 'SERVER_ERROR',
  /** 503: sealed, or a standby that cannot serve the request. */
  SEALED = 'SEALED',
  /** 400 and any other 4xx without a more specific code. */
  BAD_REQUEST = 'BAD_REQUEST',
  /** 403: the token's policies do not allow this path/operation (or the token is invalid). */
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  /** 404 on a path that must exist. Read methods return null instead. */
  NOT_FOUND = 'NOT_FOUND',
  /** Our own check refused an argument (a path segment, a TTL) before any request. */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** The vault config names no usable authentication (token, token_file, approle) or its file cannot be read. */
  AUTH_CONFIG = 'AUTH_CONFIG',
}

export interface OpenBaoErrorDetails {
  code: OpenBaoErrorCode;
  /** HTTP status, or null when no HTTP answer came (network, timeout, argument checks). */
  status: number | null;
  /** The API path without `/v1/` and without query, e.g. `database/creds/app`. */
  path: string | null;
  transient: boolean;
  /** The socket error code (ECONNREFUSED, ECONNRESET, ...) for UNREACHABLE/TIMEOUT. */
  networkCode?: string | null;
  /** OpenBAO's own messages from the `{errors: [...]}` body, normalised to one line each. */
  serverMessages?: string[];
  /** How many requests were made before giving up (1 = no retry). */
  attempts?: number;
  cause?: unknown;
}

export class OpenBaoError extends Error {
  readonly code: OpenBaoErrorCode;
  readonly status: number | null;
  readonly path: string | null;
  readonly transient: boolean;
  readonly networkCode: string | null;
  readonly serverMessages: readonly string[];
  readonly attempts: number;

  constructor(message: string, details: OpenBaoErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'OpenBaoError';
    this.code = details.code;
    this.status = details.status;
    this.path = details.path;
    this.transient = details.transient;
    this.networkCode = details.networkCode ?? null;
    this.serverMessages = details.serverMessages ?? [];
    this.attempts = details.attempts ?? 1;
  }

  /** The same error after `attempts` tries; the message says so when there was more than one. */
  withAttempts(attempts: number): OpenBaoError {
    if (attempts <= 1) return this;
    return new OpenBaoError(`${this.message} (after ${attempts} attempts)`, {
      code: this.code,
      status: this.status,
      path: this.path,
      transient: this.transient,
      networkCode: this.networkCode,
      serverMessages: [...this.serverMessages],
      attempts,
      cause: this.cause,
    });
  }
}

export function invalidArgument(message: string): OpenBaoError {
  return new OpenBaoError(message, {
    code: OpenBaoErrorCode.INVALID_ARGUMENT,
    status: null,
    path: null,
    transient: false,
  });
}

export function isOpenBaoError(err: unknown, code?: OpenBaoErrorCode): err is OpenBaoError {
  return err instanceof OpenBaoError && (code === undefined || err.code === code);
}
