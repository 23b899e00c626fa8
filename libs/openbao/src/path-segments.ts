import { invalidArgument } from './openbao-error';

/**
 * Names that become URL path segments. Refusing anything else keeps a
 * caller's value from walking to another path (`..`, `/`, `?`, `#`, `%`).
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$/;
const RULE = "letters, digits, '_', '.', '-', starting with a letter or digit, no '..'";

function valid(part: string): boolean {
  return SEGMENT.test(part) && !part.includes('..');
}

/** One segment: a role, connection, policy or AppRole name. */
export function segment(kind: string, value: string): string {
  if (!valid(value)) throw invalidArgument(`Invalid ${kind} ${JSON.stringify(value)}: expected ${RULE}`);
  return value;
}

/** Several segments separated by '/': a mount path, a KV key, a lease prefix. Leading/trailing slashes are dropped. */
export function segments(kind: string, value: string): string {
  const trimmed = value.replace(/^\/+|\/+$/g, '');
  if (!trimmed.split('/').every(valid))
    throw invalidArgument(
      `Invalid ${kind} ${JSON.stringify(value)}: expected '/'-separated parts of ${RULE}`,
    );
  return trimmed;
}
