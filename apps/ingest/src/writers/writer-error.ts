/** Why a writer refused a single message (it is terminated, with a loud log) or a batch (retried). */
export enum WriterErrorCode {
  /** Not an IngestMessage (bad JSON, missing fields): terminated. */
  MALFORMED_MESSAGE = 'MALFORMED_MESSAGE',
  /** The message names another tenant than its subject: terminated, never written anywhere. */
  WRONG_TENANT = 'WRONG_TENANT',
  /** The payload does not have its type's shape: terminated. */
  INVALID_PAYLOAD = 'INVALID_PAYLOAD',
  /** A type this writer does not store: terminated. */
  UNSUPPORTED_TYPE = 'UNSUPPORTED_TYPE',
  /** The host is not in this tenant's hosts: terminated. */
  UNKNOWN_HOST = 'UNKNOWN_HOST',
  /** Settings from the environment are malformed. */
  INVALID_SETTING = 'INVALID_SETTING',
}

export class WriterError extends Error {
  override readonly name = 'WriterError';
  constructor(
    readonly code: WriterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
