import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  builtEntryPoint,
  repoRoot,
  runAsCli,
  startBuiltService,
  writePrettierJson,
  type BuiltService,
} from '@sysmanage/testing';
import { connect } from 'nats';
import { startBenchStack, type BenchStack } from './bench-stack';
import { runFanOut, type FanOutRun } from './fan-out-run';
import { runProbes } from './probes';
import { provisionBulk, provisionSequentially } from './provision-run';
import { formatReport, type BenchReport, type Target } from './report';
import { revertBenchMigration } from './reset';
import { median } from './stats';

interface BenchOptions {
  tenants: number;
  fanOutTenants: number;
  repeats: number;
  out: string;
}

const USAGE = `usage: node dist/tools/bench/provisioning/src/main.js [--tenants N (20)] [--fan-out-tenants N (50)]
       [--repeats N (fan-out runs per measurement, 3)] [--out FILE (tools/bench/provisioning/results/latest.json)]`;

function parseOptions(argv: string[], workspace: string): BenchOptions {
  const options: BenchOptions = {
    tenants: 20,
    fanOutTenants: 50,
    repeats: 3,
    out: join(workspace, 'tools/bench/provisioning/results/latest.json'),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const count = (): number => {
      if (value === undefined || !/^[1-9][0-9]{0,3}$/.test(value))
        throw new Error(`${flag} needs a positive number\n${USAGE}`);
      return Number(value);
    };
    if (flag === '--tenants') options.tenants = count();
    else if (flag === '--fan-out-tenants') options.fanOutTenants = count();
    else if (flag === '--repeats') options.repeats = count();
    else if (flag === '--out' && value !== undefined) options.out = resolve(value);
    else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  if (options.fanOutTenants < options.tenants + 1)
    throw new Error('--fan-out-tenants must exceed --tenants (one warm-up tenant)');
  return options;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const slug = (prefix: string, i: number): string => `${prefix}${String(i).padStart(3, '0')}`;

/**
 * What the fan-out costs in CPU and what that allows. The migrator's start
 * (the --help probe's CPU) is taken out, so the per-tenant figures are the
 * fan-out's own: the migrator's thread, PostgreSQL (backends, scram, DDL, the
 * leased login created and dropped) and OpenBAO. The ceilings are the best
 * speed-up of the c1 fan-out if its CPU work were spread over every core (or,
 * for the migrator's own share, over its one thread); they use the fastest c1
 * run, the one least slowed by other work on a shared machine.
 */
function additiveCpu(
  c1: FanOutRun[],
  c8: FanOutRun[],
  cores: number,
  startCpu: number,
): BenchReport['additive']['cpu'] {
  const fanOutCpu = (r: FanOutRun): number =>
    Math.max(0.001, r.cpuSeconds.migrator - startCpu + r.cpuSeconds.postgres + r.cpuSeconds.openbao);
  const work = (r: FanOutRun): number => r.cpuSeconds.migrator + r.cpuSeconds.postgres + r.cpuSeconds.openbao;
  const med = (runs: FanOutRun[], of: (r: FanOutRun) => number, digits = 2): number =>
    Math.round(median(runs.map(of)) * 10 ** digits) / 10 ** digits;
  const fastest = [...c1].sort((a, b) => a.cliSeconds - b.cliSeconds).slice(0, 1);
  return {
    cores,
    busyCoresC1: med(c1, (r) => work(r) / r.wallSeconds),
    busyCoresC8: med(c8, (r) => work(r) / r.wallSeconds),
    machineBusyCoresC1: med(c1, (r) => r.cpuSeconds.machine / r.wallSeconds),
    machineBusyCoresC8: med(c8, (r) => r.cpuSeconds.machine / r.wallSeconds),
    perTenantCpuC1: {
      migrator: med(c1, (r) => (r.cpuSeconds.migrator - startCpu) / r.databases, 3),
      postgres: med(c1, (r) => r.cpuSeconds.postgres / r.databases, 3),
      openbao: med(c1, (r) => r.cpuSeconds.openbao / r.databases, 3),
    },
    perTenantWallC1: med(c1, (r) => r.cliSeconds / r.databases, 3),
    fastestC1: {
      perTenantWall: med(fastest, (r) => r.cliSeconds / r.databases, 3),
      perTenantCpu: med(fastest, (r) => fanOutCpu(r) / r.databases, 3),
    },
    cpuBoundCeiling: med(fastest, (r) => (cores * r.cliSeconds) / fanOutCpu(r)),
    migratorSingleThreadCeiling: med(
      fastest,
      (r) => r.cliSeconds / Math.max(0.001, r.cpuSeconds.migrator - startCpu),
    ),
  };
}

async function measure(stack: BenchStack, options: BenchOptions, workspace: string): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const logDir = mkdtempSync(join(tmpdir(), 'sysmanage-bench-logs-'));
  const provisionerMain = builtEntryPoint(workspace, 'apps/provisioner');
  const migratorMain = builtEntryPoint(workspace, 'apps/migrator');
  const reportProcess = join(__dirname, 'report-process.js');
  const registerMigration = join(__dirname, 'register-bench-migration.js');
  const services: BuiltService[] = [];
  const nc = await connect({ servers: stack.nats.servers });
  try {
    services.push(
      await startBuiltService({
        name: 'provisioner',
        main: provisionerMain,
        args: ['--config', stack.provisionerConfig],
        env: {},
        readyUrl: `http://127.0.0.1:${stack.provisionerPort}/health/ready`,
        logFile: join(logDir, 'provisioner.log'),
        cwd: workspace,
      }),
      await startBuiltService({
        name: 'migrator',
        main: migratorMain,
        args: ['serve', '--config', stack.migratorConfig],
        env: {},
        readyUrl: `http://127.0.0.1:${stack.migratorPort}/health/ready`,
        logFile: join(logDir, 'migrator.log'),
        cwd: workspace,
      }),
    );
    log(`provisioner and migrator running (logs in ${logDir})`);
    const metricsUrl = `http://127.0.0.1:${stack.provisionerPort}/metrics`;

    log('warm-up tenant (first AppRole logins, JIT; not counted)');
    const warmup = await provisionSequentially(stack, nc, ['warmup'], metricsUrl, log);
    log(`provisioning ${options.tenants} tenants one after the other`);
    const timed = await provisionSequentially(
      stack,
      nc,
      Array.from({ length: options.tenants }, (_, i) => slug('t', i + 1)),
      metricsUrl,
      log,
    );
    const bulkTenants = options.fanOutTenants - options.tenants - 1;
    log(`provisioning ${bulkTenants} more tenants (queued at once) for the fan-out`);
    const bulkSeconds = await provisionBulk(
      stack,
      nc,
      Array.from({ length: bulkTenants }, (_, i) => slug('b', i + 1)),
    );
    for (const service of services.splice(0)) await service.stop();

    const fanOut = (concurrency: number, withMigration: boolean): Promise<FanOutRun> =>
      runFanOut({
        main: migratorMain,
        config: stack.migratorConfig,
        concurrency,
        cwd: workspace,
        pids: { postgres: stack.pg.pid, openbao: stack.bao.pid },
        preload: withMigration ? [reportProcess, registerMigration] : [reportProcess],
      });
    const atHead: FanOutRun[] = [];
    for (let i = 0; i < options.repeats; i += 1) {
      const run = await fanOut(4, false);
      if (run.upToDate !== options.fanOutTenants)
        throw new Error(`expected ${options.fanOutTenants} up to date, got ${run.upToDate}`);
      atHead.push(run);
      log(`fan-out at head: ${run.wallSeconds.toFixed(3)} s (CLI ${run.cliSeconds.toFixed(3)} s)`);
    }
    const c1: FanOutRun[] = [];
    const c8: FanOutRun[] = [];
    for (let i = 0; i < options.repeats; i += 1) {
      for (const [concurrency, runs] of [
        [1, c1],
        [8, c8],
      ] as const) {
        const run = await fanOut(concurrency, true);
        if (run.migrated !== options.fanOutTenants)
          throw new Error(`expected ${options.fanOutTenants} migrated, got ${run.migrated}`);
        await revertBenchMigration(stack);
        runs.push(run);
        log(`additive migration --concurrency ${concurrency}: ${run.wallSeconds.toFixed(3)} s`);
      }
    }
    log('probes inside the slow steps');
    const probes = await runProbes(stack, migratorMain);

    const medians = {
      concurrency1: median(c1.map((r) => r.wallSeconds)),
      concurrency8: median(c8.map((r) => r.wallSeconds)),
    };
    const speedup = medians.concurrency1 / medians.concurrency8;
    const speedupCli = median(c1.map((r) => r.cliSeconds)) / median(c8.map((r) => r.cliSeconds));
    const helpCpu = (probes['migratorCliHelpCpuSeconds'] as { p50: number }).p50;
    const cpu = additiveCpu(c1, c8, cpus().length, helpCpu);
    const headWall = median(atHead.map((r) => r.wallSeconds));
    const headCli = median(atHead.map((r) => r.cliSeconds));
    const targets: Target[] = [
      {
        name: 'provisioning p50 per tenant',
        target: '<= 1 s',
        measured: timed.perTenant.p50,
        unit: 's',
        met: timed.perTenant.p50 <= 1,
      },
      {
        name: 'provisioning p95 per tenant',
        target: '<= 2 s',
        measured: timed.perTenant.p95,
        unit: 's',
        met: timed.perTenant.p95 <= 2,
      },
      {
        name: `${options.fanOutTenants} tenants at head (process)`,
        target: '<= 2 s',
        measured: headWall,
        unit: 's',
        met: headWall <= 2,
      },
      {
        name: `${options.fanOutTenants} tenants at head (inside the CLI)`,
        target: '<= 2 s',
        measured: headCli,
        unit: 's',
        met: headCli <= 2,
      },
      {
        name: 'additive migration speed-up c8 vs c1 (process)',
        target: '>= 2.5x',
        measured: speedup,
        unit: 'x',
        met: speedup >= 2.5,
      },
      {
        name: 'additive migration speed-up c8 vs c1 (inside the CLI)',
        target: '>= 2.5x',
        measured: speedupCli,
        unit: 'x',
        met: speedupCli >= 2.5,
      },
    ];
    rmSync(logDir, { recursive: true, force: true });
    const cpuInfo = cpus();
    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: cpuInfo.length,
        cpuModel: cpuInfo[0]?.model ?? 'unknown',
        node: process.version,
        postgres: stack.pg.version,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg(),
      },
      parameters: { ...options, out: undefined, atHeadConcurrency: 4 },
      provisioning: { ...timed, warmupSeconds: warmup.perTenant.max, bulkSeconds, bulkTenants },
      fanOutAtHead: {
        runs: atHead,
        medianWallSeconds: headWall,
        medianCliSeconds: headCli,
      },
      additive: { concurrency1: c1, concurrency8: c8, medianSeconds: medians, speedup, speedupCli, cpu },
      probes,
      targets,
    };
  } catch (error) {
    log(`service logs kept in ${logDir}`);
    throw error;
  } finally {
    for (const service of services) await service.stop();
    await nc.drain().catch(() => nc.close());
  }
}

async function main(): Promise<number> {
  const workspace = repoRoot(__dirname);
  const options = parseOptions(process.argv.slice(2), workspace);
  log('starting PostgreSQL, NATS and OpenBAO');
  const stack = await startBenchStack(log);
  let report: BenchReport;
  try {
    report = await measure(stack, options, workspace);
  } finally {
    await stack.stop();
  }
  await writePrettierJson(options.out, report);
  process.stdout.write(`${formatReport(report)}\n\nJSON: ${options.out}\n`);
  return 0;
}

if (require.main === module) runAsCli('bench-provisioning', main);
