import { spawn } from 'node:child_process';
import { PROCESS_REPORT_PREFIX } from './process-report-line';
import { machineBusySeconds, reapedChildrenCpuSeconds, treeCpuSeconds } from './process-cpu';

/** What the bench reads from `sysmanage-migrate --json` (apps/migrator up-command.ts). */
interface UpDocument {
  databases: Array<{
    database: string;
    tenant: string | null;
    status: string;
    durationMs: number;
    error: string | null;
  }>;
  summary: {
    total: number;
    migrated: number;
    upToDate: number;
    failed: number;
    skipped: number;
    durationMs: number;
  };
  exitCode: number;
}

export interface FanOutRun {
  concurrency: number;
  /** The process from spawn to exit: what an operator waits for (`node dist/apps/migrator/src/main.js`). */
  wallSeconds: number;
  /** The CLI's own summary.durationMs: config, license gate, listing, fan-out, without Node's start. */
  cliSeconds: number;
  databases: number;
  migrated: number;
  upToDate: number;
  failed: number;
  /** Per-tenant durations the CLI reported (lease + connect + chain + revoke), seconds. */
  perTenantSeconds: number[];
  /** From the process's own clock (report-process.ts): ms after its start when it began loading, ran dry, exited. */
  process: { preloadAtMs: number; idleAtMs: number | null; exitAtMs: number; cpuSeconds: number } | null;
  /** CPU seconds used during the run, by whom; `machine` counts every process on the box (other work too). */
  cpuSeconds: { migrator: number; postgres: number; openbao: number; machine: number };
}

/** The servers the fan-out talks to, for CPU accounting. */
export interface ServerPids {
  postgres: number | null;
  openbao: number | null;
}

/**
 * Runs the real `sysmanage-migrate --tenants-only` (the fan-out of `make
 * migrate-tenants`) from its build, optionally with a module preloaded
 * (`node -r`), and reads its JSON document. Any failed tenant is an error.
 */
export async function runFanOut(options: {
  main: string;
  config: string;
  concurrency: number;
  /** Modules to preload (`node -r`), e.g. report-process.js and register-bench-migration.js. */
  preload: string[];
  cwd: string;
  pids: ServerPids;
}): Promise<FanOutRun> {
  const nodeArgs = options.preload.flatMap((file) => ['-r', file]);
  const args = [
    ...nodeArgs,
    options.main,
    '--config',
    options.config,
    '--tenants-only',
    '--concurrency',
    String(options.concurrency),
    '--json',
  ];
  const cpu = (): { migrator: number; postgres: number; openbao: number; machine: number } => ({
    migrator: reapedChildrenCpuSeconds(),
    postgres: options.pids.postgres === null ? 0 : treeCpuSeconds(options.pids.postgres),
    openbao: options.pids.openbao === null ? 0 : treeCpuSeconds(options.pids.openbao),
    machine: machineBusySeconds(),
  });
  const cpuBefore = cpu();
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuAfter = cpu();
  const used = (key: keyof typeof cpuAfter): number =>
    Math.round((cpuAfter[key] - cpuBefore[key]) * 100) / 100;
  let doc: UpDocument;
  try {
    doc = JSON.parse(stdout) as UpDocument;
  } catch {
    throw new Error(`sysmanage-migrate exited ${code} without a JSON document: ${stderr.slice(0, 2000)}`);
  }
  if (code !== 0 || doc.summary.failed > 0) {
    const failed = doc.databases.filter((d) => d.status === 'failed').map((d) => `${d.database}: ${d.error}`);
    throw new Error(
      `sysmanage-migrate exited ${code}: ${failed.slice(0, 5).join('; ')} ${stderr.slice(0, 1000)}`,
    );
  }
  const reportLine = stderr.split('\n').find((line) => line.startsWith(PROCESS_REPORT_PREFIX));
  const processReport =
    reportLine === undefined
      ? null
      : (JSON.parse(reportLine.slice(PROCESS_REPORT_PREFIX.length)) as NonNullable<FanOutRun['process']>);
  const tenants = doc.databases.filter((d) => d.tenant !== null);
  return {
    concurrency: options.concurrency,
    wallSeconds,
    cliSeconds: doc.summary.durationMs / 1000,
    databases: doc.summary.total,
    migrated: doc.summary.migrated,
    upToDate: doc.summary.upToDate,
    failed: doc.summary.failed,
    perTenantSeconds: tenants.map((d) => d.durationMs / 1000),
    process: processReport,
    cpuSeconds: {
      migrator: used('migrator'),
      postgres: used('postgres'),
      openbao: used('openbao'),
      machine: used('machine'),
    },
  };
}
