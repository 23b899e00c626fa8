/**
 * The kinds of value a configuration key can hold. Every value, whether it came
 * from YAML or from an environment variable (always a string), goes through the
 * same `parse`, so `SYSMANAGE_REGISTRY_PORT=abc` and `port: abc` fail alike.
 */
export interface ValueType<T> {
  /** Short machine-readable name, listed in CONFIG_KEYS. */
  readonly name: string;
  /** What a valid value looks like, completing "expected ..." in messages. */
  readonly expected: string;
  /** The coerced value, or undefined when `raw` is not acceptable. */
  parse(raw: unknown): T | undefined;
}

const nonEmpty = (raw: unknown): string | undefined =>
  typeof raw === 'string' && raw.trim() !== '' ? raw : undefined;

export const stringValue: ValueType<string> = {
  name: 'string',
  expected: 'a non-empty string',
  parse: nonEmpty,
};

/** A file path; relative paths are resolved later, against the config file's directory. */
export const pathValue: ValueType<string> = {
  name: 'path',
  expected: 'a file path',
  parse: nonEmpty,
};

export function integerValue(min: number, max: number): ValueType<number> {
  return {
    name: 'integer',
    expected: `an integer ${min}-${max}`,
    parse(raw) {
      let value: number | undefined;
      if (typeof raw === 'number') value = raw;
      else if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) value = Number(raw);
      return value !== undefined && Number.isInteger(value) && value >= min && value <= max
        ? value
        : undefined;
    },
  };
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  '1': true,
  '0': false,
};

export const booleanValue: ValueType<boolean> = {
  name: 'boolean',
  expected: 'a boolean (true/false, yes/no, 1/0)',
  parse(raw) {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'number' || typeof raw === 'string')
      return BOOLEAN_WORDS[String(raw).trim().toLowerCase()];
    return undefined;
  },
};

export function enumValue<T extends string>(values: readonly T[]): ValueType<T> {
  return {
    name: 'enum',
    expected: `one of ${values.join(', ')}`,
    parse(raw) {
      if (typeof raw !== 'string') return undefined;
      const wanted = raw.trim().toLowerCase();
      return values.find((v) => v === wanted);
    },
  };
}

export function urlValue(schemes: readonly string[]): ValueType<string> {
  const protocols = schemes.map((s) => `${s}:`);
  return {
    name: 'url',
    expected: `a URL (${schemes.map((s) => `${s}://`).join(' or ')})`,
    parse(raw) {
      const text = nonEmpty(raw)?.trim();
      if (text === undefined || !URL.canParse(text)) return undefined;
      const url = new URL(text);
      return protocols.includes(url.protocol) && url.hostname !== '' ? text : undefined;
    },
  };
}

/** A YAML list of URLs, or one string of comma-separated URLs (the form env vars use). */
export function urlListValue(schemes: readonly string[]): ValueType<string[]> {
  const item = urlValue(schemes);
  return {
    name: 'url-list',
    expected: `a list of ${schemes.map((s) => `${s}://`).join(' or ')} URLs (YAML list or comma-separated)`,
    parse(raw) {
      const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw;
      if (!Array.isArray(items)) return undefined;
      const urls = items.filter((s) => s !== '').map((s: unknown) => item.parse(s));
      if (urls.length === 0 || urls.some((u) => u === undefined)) return undefined;
      return urls as string[];
    },
  };
}
