export enum ObservabilityErrorCode {
  INVALID_LOG_LEVEL = 'INVALID_LOG_LEVEL',
  CHECK_TIMEOUT = 'CHECK_TIMEOUT',
  DEPENDENCY_UNAVAILABLE = 'DEPENDENCY_UNAVAILABLE',
  DUPLICATE_CHECK = 'DUPLICATE_CHECK',
}

export class ObservabilityError extends Error {
  override readonly name = 'ObservabilityError';

  constructor(
    readonly code: ObservabilityErrorCode,
    message: string,
  ) {
    super(message);
  }
}
