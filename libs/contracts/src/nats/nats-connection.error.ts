export enum NatsConnectionErrorCode {
  CONNECT_FAILED = 'CONNECT_FAILED',
}

export class NatsConnectionError extends Error {
  override readonly name = 'NatsConnectionError';

  constructor(
    readonly code: NatsConnectionErrorCode,
    message: string,
  ) {
    super(message);
  }
}
