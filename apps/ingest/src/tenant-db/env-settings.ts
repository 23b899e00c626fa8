/**
 * Reads integer settings from the environment: a missing or empty variable
 * takes its default, anything but a positive integer is refused via `fail`
 * (a typo must not silently become the default). The fields named in
 * `zeroAllowed` also take 0 (a feature switched off).
 */
export function readPositiveInts<T extends { [K in keyof T]: number }>(
  env: NodeJS.ProcessEnv,
  keys: Record<keyof T, string>,
  defaults: T,
  fail: (message: string) => Error,
  zeroAllowed: ReadonlyArray<keyof T> = [],
): T {
  const result = { ...defaults };
  for (const field of Object.keys(keys) as Array<keyof T>) {
    const key = keys[field];
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    const zero = zeroAllowed.includes(field);
    if (!/^[1-9][0-9]*$/.test(raw) && !(zero && raw === '0')) {
      const expected = zero ? 'a non-negative integer' : 'a positive integer';
      throw fail(`${key} must be ${expected}, got ${JSON.stringify(raw)}`);
    }
    result[field] = Number(raw) as T[keyof T];
  }
  return result;
}
