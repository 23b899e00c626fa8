import { MigratorError, MigratorErrorCode } from '../errors/migrator-error';
import { DEFAULT_CONCURRENCY, parseCliArgs } from './cli-args';

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(MigratorError);
    expect((err as MigratorError).code).toBe(MigratorErrorCode.USAGE);
    return (err as MigratorError).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCliArgs', () => {
  it('defaults to up with bounded defaults', () => {
    expect(parseCliArgs([])).toEqual({
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
    });
  });

  it('reads every up flag in both --flag value and --flag=value forms', () => {
    const args = parseCliArgs([
      'up',
      '--config',
      '/etc/x.yaml',
      '--dry-run',
      '--tenant',
      'acme',
      '--tenant=beta_2',
      '--tenant',
      'acme',
      '--concurrency=8',
      '--failure-budget',
      '3',
      '--json',
      '--verify',
    ]);
    expect(args).toMatchObject({
      command: 'up',
      configPath: '/etc/x.yaml',
      dryRun: true,
      tenants: ['acme', 'beta_2'],
      concurrency: 8,
      failureBudget: 3,
      json: true,
      verify: true,
    });
  });

  it('turns --status into the status command and keeps lint file arguments', () => {
    expect(parseCliArgs(['--status', '--json']).command).toBe('status');
    expect(parseCliArgs(['lint', 'a.ts', 'b.ts']).files).toEqual(['a.ts', 'b.ts']);
    expect(parseCliArgs(['serve', '--config', 'c.yaml']).command).toBe('serve');
  });

  it('answers --help before validating anything else', () => {
    expect(parseCliArgs(['bogus', '--help']).help).toBe(true);
  });

  it.each([
    [['--tenant', 'Acme'], '--tenant "Acme" is not a tenant slug (expected ^[a-z][a-z0-9_]{0,39}$)'],
    [['--tenant', 'a-b'], '--tenant "a-b" is not a tenant slug (expected ^[a-z][a-z0-9_]{0,39}$)'],
    [['--tenant'], '--tenant needs a value'],
    [['--config', '--json'], '--config needs a value'],
    [['--concurrency', '0'], '--concurrency expects an integer from 1 to 64, got 0'],
    [['--concurrency', '65'], '--concurrency expects an integer from 1 to 64, got 65'],
    [['--concurrency', 'two'], '--concurrency expects an integer from 1 to 64, got "two"'],
    [
      ['--failure-budget', '0'],
      `--failure-budget expects an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got 0`,
    ],
    [['--no-tenants', '--tenants-only'], '--no-tenants and --tenants-only exclude each other'],
    [['--no-tenants', '--tenant', 'acme'], '--tenant cannot be combined with --no-tenants'],
    [['--frobnicate'], 'unknown option --frobnicate (see --help)'],
    [['migrate'], 'unknown command "migrate" (expected one of up, status, lint, serve)'],
    [['up', 'extra'], 'up takes no arguments, got "extra"'],
    [['status', '--dry-run'], '--dry-run is not valid with the status command'],
    [['status', '--verify'], '--verify is not valid with the status command'],
    [['lint', '--config', 'x'], '--config is not valid with the lint command'],
    [['serve', '--json'], '--json is not valid with the serve command'],
    [['lint', '--status'], '--status cannot be combined with lint'],
    [['--json=yes'], '--json takes no value'],
    [['--config', 'a', '--config', 'b'], '--config given more than once'],
  ])('rejects %j: %s', (argv, message) => {
    expect(usageError(argv)).toBe(message);
  });
});
