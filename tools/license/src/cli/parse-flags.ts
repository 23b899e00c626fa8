import { UsageError } from './cli-io';

/** `value`: one `--name VALUE`; `list`: repeatable; `switch`: present or not. */
export type FlagKind = 'value' | 'list' | 'switch';

export class ParsedFlags {
  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  /** The single value of a `value` flag. */
  one(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  many(name: string): string[] {
    return [...(this.values.get(name) ?? [])];
  }

  on(name: string): boolean {
    return this.values.has(name);
  }

  /** The value, or a usage error naming the flag. */
  required(name: string, what: string): string {
    const value = this.one(name);
    if (value === undefined) throw new UsageError(`--${name} is required (${what})`);
    return value;
  }
}

/** Parses `--name VALUE`, `--name=VALUE` and switches; anything else is a usage error. */
export function parseFlags(args: readonly string[], spec: Readonly<Record<string, FlagKind>>): ParsedFlags {
  const values = new Map<string, string[]>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}`);
    const seen = values.get(name) ?? [];
    if (kind === 'switch') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      values.set(name, seen);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = args[i + 1];
      i += 1;
    }
    if (value === undefined || value === '' || (eq === -1 && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    if (kind === 'value' && seen.length > 0) throw new UsageError(`--${name} given more than once`);
    values.set(name, [...seen, value]);
  }
  return new ParsedFlags(values);
}
