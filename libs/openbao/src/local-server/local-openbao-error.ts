/** Why the local development OpenBAO (`vault.bootstrap`) could not be provided; callers branch on this. */
export enum LocalOpenBaoErrorCode {
  /** The vault config has no `bootstrap` block: there is nothing to start. */
  NOT_CONFIGURED = 'NOT_CONFIGURED',
  /** No server binary: `SYSMANAGE_BAO_BIN` is wrong, or `tools/openbao/build.sh` failed or is not found. */
  BINARY_UNAVAILABLE = 'BINARY_UNAVAILABLE',
  /** `vault.url` cannot be served locally (not http://), or the server config could not be written. */
  CONFIG_INVALID = 'CONFIG_INVALID',
  /** The server exited or did not answer/unseal in time. */
  START_FAILED = 'START_FAILED',
  /** `<data_path>/init.json` is missing, unreadable or malformed while the storage needs it. */
  INIT_FILE_INVALID = 'INIT_FILE_INVALID',
  /** sys/init or sys/unseal was refused. */
  SEAL_API_FAILED = 'SEAL_API_FAILED',
}

const PREFIX = 'local OpenBAO (vault.bootstrap): ';

/** Messages start with `local OpenBAO (vault.bootstrap): ` and never hold a key or token. */
export class LocalOpenBaoError extends Error {
  override readonly name = 'LocalOpenBaoError';

  constructor(
    readonly code: LocalOpenBaoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message.startsWith(PREFIX) ? message : `${PREFIX}${message}`, options);
  }
}

/** Keeps a LocalOpenBaoError as it is; anything else becomes one with `code`. */
export function asLocalOpenBaoError(err: unknown, code: LocalOpenBaoErrorCode): LocalOpenBaoError {
  if (err instanceof LocalOpenBaoError) return err;
  return new LocalOpenBaoError(code, err instanceof Error ? err.message : String(err), { cause: err });
}
