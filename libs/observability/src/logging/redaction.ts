/**
 * Object paths pino censors before a line is written. Secrets must never reach a
 * log, even when someone logs a whole config block or a request's headers, so
 * the usual names are covered at the top level and a few levels deep.
 */
const SECRET_KEYS = [
  'password',
  'passwd',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'secretId',
  'secret_id',
  'clientSecret',
  'apiKey',
  'authorization',
  'cookie',
];
// Keys that are not identifiers need pino's bracket syntax.
const QUOTED_SECRET_KEYS = ['set-cookie', 'x-api-key'];

const DEPTHS = ['', '*.', '*.*.', '*.*.*.'];

export const REDACT_PATHS: readonly string[] = DEPTHS.flatMap((prefix) => [
  ...SECRET_KEYS.map((key) => `${prefix}${key}`),
  ...QUOTED_SECRET_KEYS.map((key) => (prefix ? `${prefix.slice(0, -1)}["${key}"]` : `["${key}"]`)),
]);

export const REDACTED = '[REDACTED]';
