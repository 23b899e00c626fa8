/** Why a harness operation failed; tests can branch on the code instead of parsing messages. */
export enum HarnessErrorCode {
  BINARY_NOT_FOUND = 'BINARY_NOT_FOUND',
  START_FAILED = 'START_FAILED',
  START_TIMEOUT = 'START_TIMEOUT',
  STOP_FAILED = 'STOP_FAILED',
  NOT_RUNNING = 'NOT_RUNNING',
  ALREADY_RUNNING = 'ALREADY_RUNNING',
  INVALID_IDENTIFIER = 'INVALID_IDENTIFIER',
  NO_FREE_PORT = 'NO_FREE_PORT',
  REPO_ROOT_NOT_FOUND = 'REPO_ROOT_NOT_FOUND',
  BUILD_FAILED = 'BUILD_FAILED',
}

export class HarnessError extends Error {
  override readonly name = 'HarnessError';

  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
