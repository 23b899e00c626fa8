import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, ConfigErrorCode } from './config-error';
import { describeValue, isMapping } from './describe-value';

export const EXAMPLE_CONFIG = 'sysmanage-dev.example.yaml';
export const DEV_CONFIG = 'sysmanage-dev.yaml';
export const SYSTEM_CONFIG = '/etc/sysmanage.yaml';

export interface LocateOptions {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
  path?: string;
  systemPath: string;
}

/** Where the config path came from, named in NOT_FOUND messages. */
interface Candidate {
  readonly path: string;
  readonly origin: string;
}

/** `--config PATH` or `--config=PATH`; undefined when absent. */
function configFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg.startsWith('--config=')) return requirePathArg(arg.slice('--config='.length));
    if (arg === '--config') return requirePathArg(argv[i + 1]);
  }
  return undefined;
}

function requirePathArg(value: string | undefined): string {
  if (value === undefined || value === '' || value.startsWith('--')) {
    throw new ConfigError(
      ConfigErrorCode.INVALID_VALUE,
      '--config',
      '--config: expected a file path, got nothing',
    );
  }
  return value;
}

/**
 * The file to load: an explicit path (option, --config, SYSMANAGE_CONFIG) must
 * exist; otherwise the first existing of ./sysmanage-dev.yaml and /etc/sysmanage.yaml.
 */
export function locateConfigFile(opts: LocateOptions): string {
  const fromArgv = configFromArgv(opts.argv);
  const envPath = opts.env.SYSMANAGE_CONFIG;
  const explicit: Candidate | undefined =
    opts.path !== undefined
      ? { path: opts.path, origin: 'the path option' }
      : fromArgv !== undefined
        ? { path: fromArgv, origin: '--config' }
        : envPath !== undefined && envPath !== ''
          ? { path: envPath, origin: 'SYSMANAGE_CONFIG' }
          : undefined;
  if (explicit !== undefined) {
    const absolute = path.resolve(opts.cwd, explicit.path);
    if (!existsSync(absolute)) {
      throw new ConfigError(
        ConfigErrorCode.NOT_FOUND,
        null,
        `configuration file not found: ${absolute} (from ${explicit.origin}). Check the path, or start from ${EXAMPLE_CONFIG}`,
      );
    }
    return absolute;
  }
  const tried = [path.resolve(opts.cwd, DEV_CONFIG), opts.systemPath];
  const found = tried.find((p) => existsSync(p));
  if (found === undefined) {
    throw new ConfigError(
      ConfigErrorCode.NOT_FOUND,
      null,
      `no configuration file found; tried ${tried.join(', ')}. Copy ${EXAMPLE_CONFIG} to ./${DEV_CONFIG}, or pass --config PATH, or set SYSMANAGE_CONFIG`,
    );
  }
  return found;
}

/** The file's top-level mapping (an empty file is an empty mapping) and YAML warnings. */
export function readConfigFile(file: string): { doc: Record<string, unknown>; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      ConfigErrorCode.UNREADABLE,
      null,
      `cannot read configuration file ${file}: ${code}`,
    );
  }
  const parsed = parseDocument(text);
  if (parsed.errors.length > 0) {
    const first = parsed.errors[0].message.split('\n')[0];
    throw new ConfigError(ConfigErrorCode.INVALID_YAML, null, `${file}: invalid YAML: ${first}`);
  }
  const doc: unknown = parsed.toJS();
  if (doc === null || doc === undefined) return { doc: {}, warnings: [] };
  if (!isMapping(doc)) {
    throw new ConfigError(
      ConfigErrorCode.INVALID_YAML,
      null,
      `${file}: expected a mapping of blocks (registry:, multitenancy:, ...) at the top level, got ${describeValue(doc)}`,
    );
  }
  return { doc, warnings: parsed.warnings.map((w) => `${file}: ${w.message.split('\n')[0]}`) };
}
