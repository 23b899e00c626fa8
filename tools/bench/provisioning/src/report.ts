import type { FanOutRun } from './fan-out-run';
import { PROVISION_STEPS, type ProvisioningResult } from './provision-run';
import { percentile, type Summary } from './stats';

export interface Target {
  name: string;
  target: string;
  measured: number;
  unit: string;
  met: boolean;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: Record<string, unknown>;
  parameters: Record<string, unknown>;
  provisioning: ProvisioningResult & { warmupSeconds: number; bulkSeconds: number; bulkTenants: number };
  fanOutAtHead: { runs: FanOutRun[]; medianWallSeconds: number; medianCliSeconds: number };
  additive: {
    concurrency1: FanOutRun[];
    concurrency8: FanOutRun[];
    medianSeconds: { concurrency1: number; concurrency8: number };
    /** Median process wall time c1 / c8. */
    speedup: number;
    /** Median CLI-reported time (summary.durationMs, without Node's start) c1 / c8. */
    speedupCli: number;
    cpu: {
      cores: number;
      /** CPU seconds of migrator + PostgreSQL + OpenBAO per wall second (median run). */
      busyCoresC1: number;
      busyCoresC8: number;
      /** Every process on the machine (other engineers' work included). */
      machineBusyCoresC1: number;
      machineBusyCoresC8: number;
      /** CPU seconds per tenant at c1 (the migrator's start taken out). */
      perTenantCpuC1: { migrator: number; postgres: number; openbao: number };
      /** The CLI's c1 fan-out time per tenant (median run). */
      perTenantWallC1: number;
      /** The fastest c1 run (least disturbed): its wall and CPU seconds per tenant. */
      fastestC1: { perTenantWall: number; perTenantCpu: number };
      /** cores x c1 fan-out time / its CPU seconds: the best speed-up if that work used every core. */
      cpuBoundCeiling: number;
      /**
       * The CLI's c1 fan-out time over the migrator's own CPU time in it: the
       * migrator is one Node thread, so no concurrency makes it faster than this.
       */
      migratorSingleThreadCeiling: number;
    };
  };
  probes: Record<string, unknown>;
  targets: Target[];
}

const s = (v: number): string => v.toFixed(3);

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

function summaryRow(name: string, x: Summary, widths: number[]): string {
  return row([name, s(x.p50), s(x.p95), s(x.min), s(x.max), s(x.mean)], widths);
}

function fanOutLine(r: FanOutRun): string {
  const c = r.cpuSeconds;
  const p = r.process;
  const phases =
    p === null || p.idleAtMs === null
      ? ''
      : `; node boot ${s(p.preloadAtMs / 1000)} s, loading+config ${s((p.idleAtMs - p.preloadAtMs) / 1000 - r.cliSeconds)} s, exit ${s((p.exitAtMs - p.idleAtMs) / 1000)} s`;
  return (
    `  --concurrency ${r.concurrency}: ${s(r.wallSeconds)} s process, ${s(r.cliSeconds)} s inside the CLI, ${r.migrated} migrated, ${r.upToDate} up to date` +
    `${phases}; per tenant p50 ${r.perTenantSeconds.length > 0 ? s(percentile(r.perTenantSeconds, 50)) : '-'} s` +
    `; CPU s migrator ${c.migrator.toFixed(2)}, postgres ${c.postgres.toFixed(2)}, openbao ${c.openbao.toFixed(2)}`
  );
}

/** The human-readable table printed at the end of a run. */
export function formatReport(report: BenchReport): string {
  const p = report.provisioning;
  const widths = [26, 8, 8, 8, 8, 8];
  const lines = [
    `Provisioning ${p.perTenant.n} tenants sequentially (seconds; command published -> tenant active)`,
    row(['', 'p50', 'p95', 'min', 'max', 'mean'], widths),
    summaryRow('per tenant', p.perTenant, widths),
    ...PROVISION_STEPS.map((step) => summaryRow(`  step ${step}`, p.perStep[step] as Summary, widths)),
    summaryRow('  outside the steps', p.outsideSteps, widths),
    `(warm-up tenant, not counted: ${s(p.warmupSeconds)} s; ${p.bulkTenants} more queued at once: ${s(p.bulkSeconds)} s)`,
    '',
    `sysmanage-migrate --tenants-only over ${report.fanOutAtHead.runs[0]?.databases ?? 0} tenant databases at head`,
    ...report.fanOutAtHead.runs.map(fanOutLine),
    '',
    `One additive tenant migration over ${report.additive.concurrency1[0]?.databases ?? 0} tenant databases (OpenBAO owner leases)`,
    ...[...report.additive.concurrency1, ...report.additive.concurrency8].map(fanOutLine),
    `  speed-up (median c1 / median c8): ${report.additive.speedup.toFixed(2)}x process, ${report.additive.speedupCli.toFixed(2)}x inside the CLI`,
    `  CPU: migrator+PostgreSQL+OpenBAO keep ${report.additive.cpu.busyCoresC1} cores busy at c1, ${report.additive.cpu.busyCoresC8} at c8` +
      ` (whole machine, other work included: ${report.additive.cpu.machineBusyCoresC1} / ${report.additive.cpu.machineBusyCoresC8} of ${report.additive.cpu.cores})`,
    `  per tenant at c1: ${s(report.additive.cpu.perTenantWallC1)} s wall, CPU s migrator ${s(report.additive.cpu.perTenantCpuC1.migrator)}` +
      ` + postgres ${s(report.additive.cpu.perTenantCpuC1.postgres)} + openbao ${s(report.additive.cpu.perTenantCpuC1.openbao)};` +
      ` fastest c1 run ${s(report.additive.cpu.fastestC1.perTenantWall)} s wall / ${s(report.additive.cpu.fastestC1.perTenantCpu)} CPU s;` +
      ` ceilings: all ${report.additive.cpu.cores} cores ${report.additive.cpu.cpuBoundCeiling.toFixed(2)}x,` +
      ` the migrator's one thread ${report.additive.cpu.migratorSingleThreadCeiling.toFixed(2)}x`,
    '',
    'Targets',
    ...report.targets.map(
      (t) =>
        `  ${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.measured.toFixed(3)} ${t.unit} (target ${t.target})`,
    ),
  ];
  return lines.join('\n');
}
