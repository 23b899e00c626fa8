import { TENANT_SLUG_PATTERN } from '@sysmanage/contracts';
import { MigratorError, MigratorErrorCode } from '../errors/migrator-error';

export type MigrateCommandName = 'up' | 'status' | 'lint' | 'serve';

export interface MigrateCliArgs {
  command: MigrateCommandName;
  help: boolean;
  configPath: string | null;
  dryRun: boolean;
  noTenants: boolean;
  tenantsOnly: boolean;
  /** Restricts the fan-out to these tenants; empty = every tenant. */
  tenants: string[];
  concurrency: number;
  /** Halt the fan-out once this many databases failed; null = no budget. */
  failureBudget: number | null;
  json: boolean;
  /** `up`: read every tenant database's version instead of trusting the registry's record. */
  verify: boolean;
  /** `lint` only: the files to scan; empty = the schema library's migrations. */
  files: string[];
}

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 64;

const COMMANDS: readonly MigrateCommandName[] = ['up', 'status', 'lint', 'serve'];
const VALUE_FLAGS = new Set(['--config', '--tenant', '--concurrency', '--failure-budget']);
const BOOLEAN_FLAGS = new Set([
  '--status',
  '--dry-run',
  '--no-tenants',
  '--tenants-only',
  '--json',
  '--verify',
  '--help',
  '-h',
]);

/** Which flags make sense with which command; anything else is a usage error rather than silently ignored. */
const ALLOWED: Record<MigrateCommandName, ReadonlySet<string>> = {
  up: new Set([
    '--config',
    '--dry-run',
    '--no-tenants',
    '--tenants-only',
    '--tenant',
    '--concurrency',
    '--failure-budget',
    '--json',
    '--verify',
  ]),
  status: new Set([
    '--config',
    '--status',
    '--no-tenants',
    '--tenants-only',
    '--tenant',
    '--concurrency',
    '--json',
  ]),
  lint: new Set(['--json']),
  serve: new Set(['--config']),
};

function usage(message: string): MigratorError {
  return new MigratorError(MigratorErrorCode.USAGE, message);
}

function parseBoundedInt(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw usage(`${flag} expects an integer from ${min} to ${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw usage(`${flag} expects an integer from ${min} to ${max}, got ${raw}`);
  return value;
}

/** Splits `--flag=value` and `--flag value` into one list of [flag, value] pairs plus positionals. */
function tokenize(argv: readonly string[]): { flags: Array<[string, string | null]>; positionals: string[] } {
  const flags: Array<[string, string | null]> = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw usage(`${name} needs a value`);
      if (value === '') throw usage(`${name} needs a non-empty value`);
      if (eq < 0) i += 1;
      flags.push([name, value]);
    } else if (BOOLEAN_FLAGS.has(name)) {
      if (eq > 0) throw usage(`${name} takes no value`);
      flags.push([name, null]);
    } else {
      throw usage(`unknown option ${name} (see --help)`);
    }
  }
  return { flags, positionals };
}

/** Parses the command line; throws MigratorError(USAGE) with a message naming the offending argument. */
export function parseCliArgs(argv: readonly string[]): MigrateCliArgs {
  const { flags, positionals } = tokenize(argv);
  const args: MigrateCliArgs = {
    command: 'up',
    help: false,
    configPath: null,
    dryRun: false,
    noTenants: false,
    tenantsOnly: false,
    tenants: [],
    concurrency: DEFAULT_CONCURRENCY,
    failureBudget: null,
    json: false,
    verify: false,
    files: [],
  };
  if (flags.some(([name]) => name === '--help' || name === '-h')) return { ...args, help: true };

  const first = positionals[0];
  if (first !== undefined && (COMMANDS as readonly string[]).includes(first)) {
    args.command = first as MigrateCommandName;
    positionals.shift();
  } else if (first !== undefined) {
    throw usage(`unknown command "${first}" (expected one of ${COMMANDS.join(', ')})`);
  }
  if (flags.some(([name]) => name === '--status')) {
    if (args.command !== 'up' && args.command !== 'status')
      throw usage(`--status cannot be combined with ${args.command}`);
    args.command = 'status';
  }
  if (args.command === 'lint') args.files = positionals;
  else if (positionals.length > 0)
    throw usage(`${args.command} takes no arguments, got "${positionals.join(' ')}"`);

  for (const [name, value] of flags) {
    if (!ALLOWED[args.command].has(name))
      throw usage(`${name} is not valid with the ${args.command} command`);
    switch (name) {
      case '--config':
        if (args.configPath !== null) throw usage('--config given more than once');
        args.configPath = value as string;
        break;
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--no-tenants':
        args.noTenants = true;
        break;
      case '--tenants-only':
        args.tenantsOnly = true;
        break;
      case '--tenant': {
        const slug = value as string;
        if (!TENANT_SLUG_PATTERN.test(slug)) {
          throw usage(`--tenant "${slug}" is not a tenant slug (expected ${TENANT_SLUG_PATTERN.source})`);
        }
        if (!args.tenants.includes(slug)) args.tenants.push(slug);
        break;
      }
      case '--concurrency':
        args.concurrency = parseBoundedInt(name, value as string, 1, MAX_CONCURRENCY);
        break;
      case '--failure-budget':
        args.failureBudget = parseBoundedInt(name, value as string, 1, Number.MAX_SAFE_INTEGER);
        break;
      case '--json':
        args.json = true;
        break;
      case '--verify':
        args.verify = true;
        break;
      default:
        break;
    }
  }
  if (args.noTenants && args.tenantsOnly) throw usage('--no-tenants and --tenants-only exclude each other');
  if (args.noTenants && args.tenants.length > 0) throw usage('--tenant cannot be combined with --no-tenants');
  return args;
}
