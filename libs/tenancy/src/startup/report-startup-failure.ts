/** Process exit statuses for a failed start, so scripts and orchestrators can tell them apart. */
export enum StartupExitCode {
  OTHER = 1,
  CONFIG = 2,
  LICENSING = 3,
}

interface Classified {
  name: string;
  message: string;
  exitCode: StartupExitCode;
  code: string | null;
  key: string | null;
  stack: string | null;
}

function stringField(err: object, field: string): string | null {
  const value = (err as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

// By name rather than instanceof: a second copy of a library (built dist next
// to sources, or two bundles) must not turn a config error into exit code 1.
function classify(err: unknown): Classified {
  if (!(err instanceof Error)) {
    return {
      name: 'Error',
      message: String(err),
      exitCode: StartupExitCode.OTHER,
      code: null,
      key: null,
      stack: null,
    };
  }
  const exitCode =
    err.name === 'ConfigError'
      ? StartupExitCode.CONFIG
      : err.name === 'LicensingError'
        ? StartupExitCode.LICENSING
        : StartupExitCode.OTHER;
  return {
    name: err.name,
    message: err.message,
    exitCode,
    code: stringField(err, 'code'),
    key: stringField(err, 'key'),
    // Our own errors are complete sentences; a stack only helps with the unexpected.
    stack: exitCode === StartupExitCode.OTHER ? (err.stack ?? null) : null,
  };
}

/**
 * Prints why the process cannot start, as `<ErrorName>: <message>` for people
 * and one JSON line for log collectors, and returns the exit status to use:
 * 2 for ConfigError, 3 for LicensingError, 1 for anything else. Messages never
 * carry secrets (ConfigError hides rejected secret values).
 */
export function reportStartupFailure(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const c = classify(err);
  const line = {
    level: 'fatal',
    time: new Date().toISOString(),
    msg: 'startup failed',
    err: {
      type: c.name,
      code: c.code,
      key: c.key,
      message: c.message,
      ...(c.stack === null ? {} : { stack: c.stack }),
    },
  };
  stderr.write(`${c.name}: ${c.message}\n${JSON.stringify(line)}\n`);
  return c.exitCode;
}
