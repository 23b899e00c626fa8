import { ContractError, ContractErrorCode } from './contract.error';

// A NATS subject token may not contain separators, wildcards or whitespace; we
// are stricter still so a token is also safe as a JetStream consumer name.
const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/** Returns `value` when it is safe as one subject token, else throws INVALID_SUBJECT_TOKEN. */
export function subjectToken(value: string, what: string): string {
  if (!SAFE_TOKEN.test(value)) {
    throw new ContractError(
      ContractErrorCode.INVALID_SUBJECT_TOKEN,
      `${what} "${value}" cannot be a NATS subject token (allowed: letters, digits, "_" and "-", 1-128 characters)`,
    );
  }
  return value;
}
