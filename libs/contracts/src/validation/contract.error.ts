export enum ContractErrorCode {
  /** The bytes of a message are not JSON. */
  INVALID_JSON = 'INVALID_JSON',
  /** The JSON does not satisfy the message class. */
  INVALID_MESSAGE = 'INVALID_MESSAGE',
  /** A value interpolated into a subject would change the subject's shape. */
  INVALID_SUBJECT_TOKEN = 'INVALID_SUBJECT_TOKEN',
}

/** One failed field: its dotted path (empty for the message itself) and what it broke. */
export interface FieldError {
  field: string;
  constraints: string[];
}

export class ContractError extends Error {
  override readonly name = 'ContractError';

  constructor(
    readonly code: ContractErrorCode,
    message: string,
    /** The failed fields, for INVALID_MESSAGE; empty otherwise. */
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
  }
}
