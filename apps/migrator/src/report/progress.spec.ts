import { PassThrough } from 'node:stream';
import type { DatabaseTarget } from '../plan/database-target';
import type { TargetResult } from '../fanout/target-result';
import { formatResultLine } from './format-result';
import { lineProgress } from './line-progress';
import { progressBar, ttyProgress } from './tty-progress';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { out, text: () => text };
}

const target = (tenant: string): DatabaseTarget => ({
  key: `t1:5432/tenant_${tenant}`,
  database: `tenant_${tenant}`,
  server: 't1:5432',
  tenant,
  chains: ['tenant'],
  acquire: async () => {
    throw new Error('not used');
  },
});

const done = (t: DatabaseTarget, fields: Partial<TargetResult>): TargetResult => ({
  database: t.database,
  server: t.server,
  tenant: t.tenant,
  chains: t.chains,
  status: 'migrated',
  applied: ['InitTenant1700000000000'],
  pending: [],
  error: null,
  errorCode: null,
  durationMs: 1500,
  version: null,
  checked: null,
  ...fields,
});

describe('result lines', () => {
  it('says what happened to which database', () => {
    const t = target('acme');
    expect(formatResultLine(done(t, {}))).toBe(
      'migrated   tenant_acme (tenant acme) @t1:5432 [tenant] (1.5 s) applied 1: InitTenant1700000000000',
    );
    expect(formatResultLine(done(t, { status: 'failed', applied: [], error: 'no credentials' }))).toBe(
      'FAILED     tenant_acme (tenant acme) @t1:5432 [tenant] (1.5 s) no credentials',
    );
  });

  it('non-terminal output: exactly one line per finished database, no escape codes', () => {
    const { out, text } = capture();
    const progress = lineProgress(out);
    const a = target('acme');
    progress.started(a);
    progress.chainDone(a, 'tenant');
    progress.finished(a, done(a, { status: 'up-to-date', applied: [] }));
    expect(text()).toBe('up to date tenant_acme (tenant acme) @t1:5432 [tenant] (1.5 s)\n');
  });

  it('an up-to-date tenant checked against the registry record says so', () => {
    const t = target('acme');
    expect(
      formatResultLine(
        done(t, { status: 'up-to-date', applied: [], durationMs: 0, checked: 'registry', version: 'T9' }),
      ),
    ).toBe('up to date tenant_acme (tenant acme) @t1:5432 [tenant] (0.0 s) registry records T9');
  });
});

describe('terminal progress', () => {
  it('draws proportional bars', () => {
    expect(progressBar(0, 3, 6)).toBe('[......]');
    expect(progressBar(2, 3, 6)).toBe('[####..]');
    expect(progressBar(3, 3, 6)).toBe('[######]');
  });

  it('keeps one live line per database in flight, redrawn in place, and prints finished lines above it', () => {
    const { out, text } = capture();
    const progress = ttyProgress(out);
    const a = target('acme');
    const b = target('beta');
    progress.started(a);
    progress.started(b);
    const beforeFinish = text();
    expect(beforeFinish).toContain('tenant_acme (tenant acme) @t1:5432 tenant 0/1');
    // Second redraw moves the cursor up over the one line drawn before and clears it.
    expect(beforeFinish).toContain('\x1b[1A\r\x1b[J');
    progress.finished(a, done(a, {}));
    const after = text().slice(beforeFinish.length);
    expect(after.startsWith('\x1b[2A\r\x1b[J')).toBe(true);
    expect(after).toContain('migrated   tenant_acme');
    expect(after.trimEnd().split('\n').at(-1)).toContain('tenant_beta (tenant beta)');
  });

  it('cuts live lines to the terminal width (a wrapped line would break the redraw), and copes with 0 columns', () => {
    const narrow = capture();
    Object.assign(narrow.out, { columns: 30 });
    ttyProgress(narrow.out).started(target('acme'));
    expect(narrow.text()).toBe('  [....................] tena\n');

    const unknown = capture();
    Object.assign(unknown.out, { columns: 0 });
    ttyProgress(unknown.out).started(target('acme'));
    expect(unknown.text()).toBe('  [....................] tenant_acme (tenant acme) @t1:5432 tenant 0/1\n');
  });
});
