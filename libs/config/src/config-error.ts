/** Why a configuration could not be loaded; stable for callers and tests. */
export enum ConfigErrorCode {
  /** No configuration file at any candidate path (or at the explicitly given one). */
  NOT_FOUND = 'NOT_FOUND',
  /** The file exists but cannot be read (permissions, a directory, ...). */
  UNREADABLE = 'UNREADABLE',
  /** The file is not valid YAML, or its top level is not a mapping. */
  INVALID_YAML = 'INVALID_YAML',
  /** A value is present but has the wrong type, range or form. */
  INVALID_VALUE = 'INVALID_VALUE',
  /** A required value is absent from both the file and the environment. */
  MISSING_VALUE = 'MISSING_VALUE',
  /** A key inside one of this project's blocks is not one it knows (usually a typo). */
  UNKNOWN_KEY = 'UNKNOWN_KEY',
}

/**
 * A configuration problem that must stop the process at start. The message
 * names the key and what was expected; secret values are never echoed.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly code: ConfigErrorCode,
    /** The dotted key at fault (`registry.port`), or null when the problem is the file itself. */
    readonly key: string | null,
    message: string,
  ) {
    super(message);
  }
}
