import path from 'node:path';
import { ConfigError, ConfigErrorCode } from './config-error';
import { envVarName, type ConfigKeySpec } from './config-keys';
import { describeValue, isMapping } from './describe-value';

type Env = Record<string, string | undefined>;

interface RawValue {
  readonly value: unknown;
  /** Set when the value came from the environment, to point the operator at it. */
  readonly envVar: string | null;
}

/**
 * Reads single keys from the parsed file and the environment, the environment
 * winning. Empty strings count as unset in both (compose files and SysManage's
 * own config write `token: ""` for "none").
 */
export class ConfigReader {
  constructor(
    /** Parsed file, with `database:` already renamed to `registry:`. */
    private readonly doc: Record<string, unknown>,
    private readonly env: Env,
    /** Absolute path of the file; relative paths in it resolve against its directory. */
    readonly sourcePath: string,
  ) {}

  isSet(spec: ConfigKeySpec<unknown>): boolean {
    return this.raw(spec) !== undefined;
  }

  /** The validated value, or undefined when unset (no default applied). */
  get<T>(spec: ConfigKeySpec<T>): T | undefined {
    const raw = this.raw(spec);
    if (raw === undefined) return undefined;
    const parsed = spec.type.parse(raw.value);
    if (parsed === undefined) {
      const from = raw.envVar === null ? '' : ` (from ${raw.envVar})`;
      throw new ConfigError(
        ConfigErrorCode.INVALID_VALUE,
        spec.key,
        `${spec.key}: expected ${spec.type.expected}, got ${describeValue(raw.value, spec.secret)}${from}`,
      );
    }
    return parsed;
  }

  /** The validated value, else the key's default. */
  value<T>(spec: ConfigKeySpec<T> & { readonly default: T }): T {
    return this.get(spec) ?? spec.default;
  }

  /** The validated value; MISSING_VALUE when unset. `because` says why it is required here. */
  require<T>(spec: ConfigKeySpec<T>, because?: string): T {
    const value = this.get(spec);
    if (value !== undefined) return value;
    const reason = because === undefined ? '' : ` (required because ${because})`;
    throw new ConfigError(
      ConfigErrorCode.MISSING_VALUE,
      spec.key,
      `${spec.key}: missing; expected ${spec.type.expected}${reason}. Set ${spec.key} in ${this.sourcePath} or the environment variable ${envVarName(spec.key)}`,
    );
  }

  /** A path value made absolute against the config file's directory. */
  resolvePath(value: string): string {
    return path.resolve(path.dirname(this.sourcePath), value);
  }

  private raw(spec: ConfigKeySpec<unknown>): RawValue | undefined {
    const envVar = envVarName(spec.key);
    const fromEnv = this.env[envVar];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, envVar };
    const fromFile = this.fileValue(spec.key);
    return fromFile === undefined || fromFile === null || fromFile === ''
      ? undefined
      : { value: fromFile, envVar: null };
  }

  private fileValue(key: string): unknown {
    let node: unknown = this.doc;
    for (const part of key.split('.')) {
      if (!isMapping(node)) return undefined;
      node = node[part];
    }
    return node;
  }
}
