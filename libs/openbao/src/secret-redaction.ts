import { inspect } from 'node:util';

/**
 * Hides the named secret fields from JSON.stringify (pino, HTTP responses)
 * and util.inspect (console.log, Jest diffs) while leaving them readable as
 * properties. The hooks are non-enumerable, so a spread copy carries the
 * secrets but not the protection: build copies with this function again.
 */
export function redactSecrets<T extends object>(value: T, secretKeys: readonly (keyof T & string)[]): T {
  const redacted = (): Record<string, unknown> => {
    const copy: Record<string, unknown> = Object.fromEntries(Object.entries(value));
    for (const key of secretKeys) copy[key] = '[redacted]';
    return copy;
  };
  Object.defineProperty(value, 'toJSON', { value: redacted, enumerable: false });
  Object.defineProperty(value, inspect.custom, { value: redacted, enumerable: false });
  return value;
}
