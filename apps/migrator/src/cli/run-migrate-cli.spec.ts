import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, type CliRun } from '../__fixtures__/cli-harness';

const run = (argv: string[]): Promise<CliRun> => runCli(argv);

const fixtures = path.join(__dirname, '..', 'lint', '__fixtures__');

describe('runMigrateCli', () => {
  it('--help prints usage and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: sysmanage-migrate [command] [options]');
    expect(out).toContain('--failure-budget N');
  });

  it('a usage error exits 2 with the specific message on stderr', async () => {
    const { code, out, err } = await run(['--concurrency', '100']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe('sysmanage-migrate: --concurrency expects an integer from 1 to 64, got 100\n');
  });

  it('lint exits 1 with file:line rule statement for a destructive migration', async () => {
    const { code, out } = await run(['lint', path.join(fixtures, 'drop-column-unannotated.ts')]);
    expect(code).toBe(1);
    expect(out).toMatch(
      /drop-column-unannotated\.ts:6 drop-column ALTER TABLE "hosts" DROP COLUMN "legacy_name"\n/,
    );
    expect(out).toContain('lint: 1 migration file, 1 finding(s)');
  });

  it('lint exits 0 for clean files and reports JSON on request', async () => {
    const files = ['create-table.ts', 'drop-column-annotated.ts'].map((f) => path.join(fixtures, f));
    const { code, out } = await run(['lint', '--json', ...files]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ command: 'lint', files: 2, findings: [], exitCode: 0 });
  });

  it('lint of a missing file exits 1 naming it', async () => {
    const { code, err } = await run(['lint', '/nonexistent/m.ts']);
    expect(code).toBe(1);
    expect(err).toMatch(/^MigratorError: cannot read \/nonexistent\/m\.ts: ENOENT/);
  });

  it('a missing config file exits 2 through the startup report (ConfigError)', async () => {
    const { code, err } = await run(['status', '--config', '/nonexistent/sysmanage.yaml']);
    expect(code).toBe(2);
    expect(err).toMatch(/^ConfigError: /);
    expect(err).toContain('/nonexistent/sysmanage.yaml');
  });

  it('--tenant in collapsed mode is a usage error (exit 2), before any database is touched', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'migrator-cli-'));
    const config = path.join(dir, 'sysmanage.yaml');
    // Port 1 is never a PostgreSQL server: reaching the database would fail differently.
    writeFileSync(config, 'registry:\n  host: 127.0.0.1\n  port: 1\n  name: nothing\n  user: nobody\n');
    const { code, err } = await run(['--config', config, '--tenant', 'acme']);
    expect(code).toBe(2);
    expect(err).toBe(
      'MigratorError: --tenant needs multitenancy.enabled: true (in collapsed mode the single tenant lives in the bootstrap database)\n',
    );
  });
});
