import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { repoRoot, runAsCli, writePrettierJson } from '@sysmanage/testing';
import type { BatchShape, SimAgent } from './agents';
import { startBenchStack, type BenchStack } from './bench-stack';
import { summarizeProfiles } from './cpu-profile';
import { probeMachine } from './machine-probe';
import { startFloor } from './floor';
import {
  closedLoop,
  insertBaseline,
  measurePersist,
  openLoop,
  registerAgents,
  restartStorm,
  type BaselineResult,
  type TenantDb,
} from './phases';
import {
  beyondSampleMs,
  EVENT_LOOP_SAMPLE_MS,
  histogramMeanMs,
  histogramQuantileMs,
  jsThreadView,
} from './prom-text';
import { cpuSeconds, memoryMiB, treeCpuSeconds } from './proc-stats';
import { rate } from './stats';

interface BenchOptions {
  tenants: number;
  agentsPerTenant: number;
  concurrency: number;
  durationS: number;
  halfDurationS: number;
  heartbeats: number;
  inventoryEvery: number;
  packages: number;
  stormAgents: number;
  baselineBatch: number;
  cpuProf: boolean;
  keepLogs: boolean;
  /** Run ingest as two processes, SYSMANAGE_INGEST_ROLE=api and =writer (--split-ingest). */
  splitIngest: boolean;
  /** Extra environment of ingest (--ingest-env KEY=VALUE, repeatable), e.g. SYSMANAGE_REGISTRY_POOL_SIZE. */
  ingestEnv: Record<string, string>;
  /** Extra Node.js options of ingest (--ingest-node-option --X=V, repeatable), e.g. --max-semi-space-size=64. */
  ingestNodeOptions: string[];
  out: string;
}

const USAGE = `usage: node dist/tools/bench/ingest/src/main.js [--tenants N (20)] [--agents-per-tenant N (10)]
  [--concurrency N (32)] [--duration S (20)] [--half-duration S (15)] [--heartbeats N per request (20)]
  [--inventory-every N (10)] [--packages N (100)] [--storm-agents N (5000)] [--baseline-batch N (500)]
  [--cpu-prof] [--keep-logs] [--split-ingest] [--ingest-env SYSMANAGE_X=V ...]
  [--ingest-node-option --x=v ...] [--out FILE (tools/bench/ingest/results/latest.json)]`;

function parseOptions(argv: string[], workspace: string): BenchOptions {
  const options: BenchOptions = {
    tenants: 20,
    agentsPerTenant: 10,
    concurrency: 32,
    durationS: 20,
    halfDurationS: 15,
    heartbeats: 20,
    inventoryEvery: 10,
    packages: 100,
    stormAgents: 5000,
    baselineBatch: 500,
    cpuProf: false,
    keepLogs: false,
    splitIngest: false,
    ingestEnv: {},
    // As deployed (docker/ingest.Dockerfile, tools/stack): a later --ingest-node-option overrides it.
    ingestNodeOptions: ['--max-semi-space-size=64'],
    out: join(workspace, 'tools/bench/ingest/results/latest.json'),
  };
  const numeric: Record<string, keyof BenchOptions> = {
    '--tenants': 'tenants',
    '--agents-per-tenant': 'agentsPerTenant',
    '--concurrency': 'concurrency',
    '--duration': 'durationS',
    '--half-duration': 'halfDurationS',
    '--heartbeats': 'heartbeats',
    '--inventory-every': 'inventoryEvery',
    '--packages': 'packages',
    '--storm-agents': 'stormAgents',
    '--baseline-batch': 'baselineBatch',
  };
  const switches: Record<string, 'cpuProf' | 'keepLogs' | 'splitIngest'> = {
    '--cpu-prof': 'cpuProf',
    '--keep-logs': 'keepLogs',
    '--split-ingest': 'splitIngest',
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] ?? '';
    const on = switches[flag];
    if (on !== undefined) {
      options[on] = true;
      continue;
    }
    const value = argv[++i];
    const key = numeric[flag];
    if (key !== undefined) {
      if (value === undefined || !/^[0-9]{1,6}$/.test(value))
        throw new Error(`${flag} needs a number\n${USAGE}`);
      (options as unknown as Record<string, number>)[key] = Number(value);
    } else if (flag === '--out' && value !== undefined) options.out = resolve(value);
    else if (flag === '--ingest-env' && value !== undefined && /^SYSMANAGE_[A-Z_]+=.+$/.test(value)) {
      const eq = value.indexOf('=');
      options.ingestEnv[value.slice(0, eq)] = value.slice(eq + 1);
    } else if (
      flag === '--ingest-node-option' &&
      value !== undefined &&
      /^--[a-z][a-z0-9-]*(=[^\s]+)?$/.test(value)
    ) {
      options.ingestNodeOptions.push(value);
    } else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  if (options.tenants < 1 || options.stormAgents % options.tenants !== 0)
    throw new Error('--storm-agents must be a multiple of --tenants');
  return options;
}

/** Runs of the raw baseline; the median is the one reported. */
const BASELINE_RUNS = 3;

const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
};

/** Busy and total jiffies of the whole machine (/proc/stat). */
function machineCpu(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/** CPU of ingest and of the whole machine over one phase. */
class CpuWindow {
  private readonly ingest0: number[];
  private readonly pg0: number;
  private readonly machine0 = machineCpu();
  private readonly self0 = process.cpuUsage();
  private readonly t0 = Date.now();
  /** The bench's own event loop: a late loop here would show up as accept latency that ingest never caused. */
  private readonly loop = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
  /** `pids`: the ingest processes (one, or api and writer), counted together. */
  constructor(
    private readonly pids: number[],
    private readonly pgPid: number,
  ) {
    this.ingest0 = this.pids.map((pid) => cpuSeconds(pid));
    this.pg0 = treeCpuSeconds(pgPid);
    this.loop.enable();
  }
  end(): {
    ingestCores: number;
    /** With --split-ingest: the api process's and the writer process's cores (they sum to ingestCores). */
    ingestCoresByProcess?: number[];
    postgresCores: number;
    benchClientCores: number;
    benchClientLoopDelayMs: { p99: number; max: number };
    machineBusyPercent: number;
    windowS: number;
  } {
    this.loop.disable();
    const delay = (ns: number): number => beyondSampleMs(ns / 1e6);
    const s = (Date.now() - this.t0) / 1000;
    const m = machineCpu();
    const self = process.cpuUsage(this.self0);
    const round = (v: number): number => Math.round(v * 100) / 100;
    const byProcess = this.pids.map((pid, i) => round((cpuSeconds(pid) - (this.ingest0[i] ?? 0)) / s));
    return {
      ingestCores: round(byProcess.reduce((a, b) => a + b, 0)),
      ...(byProcess.length > 1 ? { ingestCoresByProcess: byProcess } : {}),
      postgresCores: round((treeCpuSeconds(this.pgPid) - this.pg0) / s),
      benchClientCores: round((self.user + self.system) / 1e6 / s),
      benchClientLoopDelayMs: { p99: delay(this.loop.percentile(99)), max: delay(this.loop.max) },
      windowS: round(s),
      machineBusyPercent: Math.round(
        ((m.busy - this.machine0.busy) / Math.max(1, m.total - this.machine0.total)) * 100,
      ),
    };
  }
}

/** Microseconds of CPU per row at `rowsPerSecond` for `cores` busy cores. */
function perRowUs(cores: number, rowsPerSecond: number): number {
  return Math.round((cores / rowsPerSecond) * 1e7) / 10;
}

/** A phase's CPU per persisted row: the measured process (`label`: ingest, or the floor's), PostgreSQL, the bench, the machine. */
function cpuPerRow(
  label: 'ingest' | 'floorProcess',
  cpu: ReturnType<CpuWindow['end']>,
  rowsPerSecond: number,
): Record<string, number> {
  return {
    [label]: perRowUs(cpu.ingestCores, rowsPerSecond),
    postgres: perRowUs(cpu.postgresCores, rowsPerSecond),
    benchClient: perRowUs(cpu.benchClientCores, rowsPerSecond),
    machine: perRowUs((cpu.machineBusyPercent / 100) * cpus().length, rowsPerSecond),
  };
}

/** `api`: the ingest the agents talk to (its event loop and GC); `all`: every ingest process, for the histograms. */
async function scrape(stack: BenchStack): Promise<{ api: string; all: string }> {
  const texts = await Promise.all(stack.ingestMetricsUrls.map(async (url) => (await fetch(url)).text()));
  return { api: texts[0] ?? '', all: texts.join('\n') };
}

/** What ingest's own histograms say about a phase (server side, ms). */
function ingestView(
  before: string,
  after: string,
): Record<string, { count: number; meanMs: number; p50Ms?: number; p99Ms?: number }> {
  const accept = 'sysmanage_ingest_accept_seconds';
  return {
    // Arrival in the handler to the last JetStream ack; quantiles only as fine as the buckets (10/25/50/100 ms).
    acceptInsideIngest: {
      ...histogramMeanMs(before, after, accept),
      p50Ms: histogramQuantileMs(before, after, accept, 0.5),
      p99Ms: histogramQuantileMs(before, after, accept, 0.99),
    },
    batchWrite: histogramMeanMs(before, after, 'sysmanage_ingest_batch_write_seconds'),
    persistLag: histogramMeanMs(before, after, 'sysmanage_ingest_persist_lag_seconds'),
  };
}

/**
 * The floor phase: the same closed loop against floor-server.js, the leanest
 * pipeline that still does the path's I/O (HTTP, JetStream ack before 202,
 * per-tenant consumers, multi-row INSERTs into the same tenant databases), in
 * its own process. Its rows/s against the baseline bounds what any
 * implementation of the path reaches on this machine.
 */
async function measureFloor(
  stack: BenchStack,
  options: BenchOptions,
  load: { tenants: TenantDb[]; agents: SimAgent[]; shape: BatchShape; pgPid: number },
) {
  const { tenants, agents, shape, pgPid } = load;
  log(`floor: closed loop, ${options.concurrency} senders, ${options.durationS} s, against floor-server`);
  const floor = await startFloor(
    {
      natsServers: stack.natsServers,
      tenants: tenants.map((t) => stack.pg.clientConfig(t.database)),
      agents: agents.map((a) => ({ token: a.hostToken, tenant: a.tenant, hostId: a.hostId })),
    },
    stack.logDir,
  );
  try {
    const warm = await closedLoop(floor.url, agents, 'floorwarm', shape, options.concurrency, 3_000);
    await measurePersist(stack.pg, tenants, warm, 60_000);
    const cpu = new CpuWindow([floor.pid], pgPid);
    const run = await closedLoop(
      floor.url,
      agents,
      'floor',
      shape,
      options.concurrency,
      options.durationS * 1000,
    );
    const floorCpu = cpu.end();
    const { ingestCores: floorProcessCores, ...cpuRest } = floorCpu;
    const persist = await measurePersist(stack.pg, tenants, run, 180_000);
    const { acceptedAt: _drop, ...summary } = run;
    return {
      ...summary,
      acceptedMessagesPerSecond: rate(run.acceptedMessages, run.durationMs),
      requestsPerSecond: rate(run.requests, run.durationMs),
      persist,
      cpu: { floorProcessCores, ...cpuRest },
      cpuUsPerPersistedRow: cpuPerRow('floorProcess', floorCpu, persist.rowsPerSecond),
    };
  } finally {
    await floor.stop();
  }
}

async function measure(stack: BenchStack, options: BenchOptions): Promise<Record<string, unknown>> {
  const pid = stack.ingest.pid;
  const writerPid = stack.ingestWriter?.pid;
  if (pid === null || writerPid === null) throw new Error('ingest is not running');
  const ingestPids = writerPid === undefined ? [pid] : [pid, writerPid];
  const pgPid = stack.pg.pid ?? -1;
  const slugs = Array.from({ length: options.tenants }, (_, i) => `ing${String(i + 1).padStart(2, '0')}`);
  let t = Date.now();
  const ids = await stack.createTenants(slugs);
  const tenants: TenantDb[] = ids.map((id, i) => ({ id, database: `tenant_${slugs[i]}` }));
  log(`${tenants.length} tenants active in ${Date.now() - t} ms`);
  const tokens = await Promise.all(ids.map((id) => stack.issueToken(id)));
  t = Date.now();
  const { agents, retries: setupRetries } = await registerAgents(
    stack.ingestUrl,
    tokens,
    options.agentsPerTenant,
    'sim',
  );
  const setup = { registerMs: Date.now() - t, registerRetries: setupRetries };
  log(
    `${agents.length} agents registered in ${setup.registerMs} ms (retried: ${JSON.stringify(setupRetries)})`,
  );
  const shape: BatchShape = {
    heartbeats: options.heartbeats,
    inventoryEvery: options.inventoryEvery,
    packages: options.packages,
  };

  // Warm-up (JIT, every tenant's pool and lease), not counted.
  const warm = await closedLoop(stack.ingestUrl, agents, 'warm', shape, options.concurrency, 3_000);
  await measurePersist(stack.pg, tenants, warm, 60_000);
  log(`warm-up: ${warm.acceptedMessages} messages`);

  log(`peak: closed loop, ${options.concurrency} senders, ${options.durationS} s`);
  let m0 = await scrape(stack);
  let cpu = new CpuWindow(ingestPids, pgPid);
  const peak = await closedLoop(
    stack.ingestUrl,
    agents,
    'peak',
    shape,
    options.concurrency,
    options.durationS * 1000,
  );
  const peakCpu = cpu.end();
  const peakThread = jsThreadView(m0.api, (await scrape(stack)).api);
  const peakPersist = await measurePersist(stack.pg, tenants, peak, 180_000);
  const peakIngest = ingestView(m0.all, (await scrape(stack)).all);
  const peakAcceptRate = rate(peak.acceptedMessages, peak.durationMs);
  const peakRequestRate = rate(peak.requests, peak.durationMs);
  log(
    `peak: ${peakAcceptRate} msg/s accepted, ${peakPersist.rowsPerSecond} rows/s persisted, accept p99 ${peak.latency.p99} ms`,
  );

  const halfRps = Math.max(1, Math.round((peak.requests / peak.durationMs) * 500 * 10) / 10);
  log(`half rate: open loop, ${halfRps} requests/s, ${options.halfDurationS} s`);
  m0 = await scrape(stack);
  cpu = new CpuWindow(ingestPids, pgPid);
  const half = await openLoop(stack.ingestUrl, agents, 'half', shape, halfRps, options.halfDurationS * 1000);
  const halfCpu = cpu.end();
  const halfThread = jsThreadView(m0.api, (await scrape(stack)).api);
  const halfPersist = await measurePersist(stack.pg, tenants, half, 120_000);
  const halfIngest = ingestView(m0.all, (await scrape(stack)).all);
  log(`half rate: accept p50 ${half.latency.p50} ms, p99 ${half.latency.p99} ms`);

  const memBeforeStorm = memoryMiB(pid);
  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(memoryMiB(pid).rss), 250);
  log(`restart storm: ${options.stormAgents} agents at once`);
  m0 = await scrape(stack);
  cpu = new CpuWindow(ingestPids, pgPid);
  const storm = await restartStorm(
    stack.ingestUrl,
    stack.pg,
    tenants,
    tokens,
    options.stormAgents / options.tenants,
  );
  const stormCpu = cpu.end();
  clearInterval(sampler);
  const stormScrape = await scrape(stack);
  const stormIngest = { ...ingestView(m0.all, stormScrape.all), ...jsThreadView(m0.api, stormScrape.api) };
  const memAfterStorm = memoryMiB(pid);
  log(
    `storm: 95% registered after ${storm.msUntil95Registered} ms, heartbeat p95 ${storm.heartbeatLatency.p95} ms, VmHWM ${memAfterStorm.hwm} MiB`,
  );

  // The bench-only phases last: run between peak and half rate, the baseline's three runs (~1.2 million
  // rows in one tenant database) and the floor's ~400,000 rows and stream disturbed what followed (a
  // half-rate p99 of 0.7-1.5 s instead of 22-120 ms, slower storms; measured, the cause not isolated).
  const [first] = tenants;
  if (first === undefined) throw new Error('no tenants');
  const hostIds = agents.filter((a) => a.tenant === 0).map((a) => a.hostId);
  cpu = new CpuWindow(ingestPids, pgPid);
  // Three runs, the median reported: one run of a few seconds moved by +-15 % between runs of the same hour.
  const baselineRuns: BaselineResult[] = [];
  for (let run = 0; run < BASELINE_RUNS; run += 1) {
    baselineRuns.push(
      await insertBaseline(
        stack.pg,
        first,
        hostIds,
        peakPersist.heartbeatRows,
        peakPersist.packageRows,
        options.baselineBatch,
        run,
      ),
    );
  }
  // The baseline's backend has exited: give the postmaster a moment to reap it, so its CPU is in cutime.
  await new Promise((done) => setTimeout(done, 500));
  const baselineCpu = cpu.end();
  const byRate = [...baselineRuns].sort((x, y) => x.rowsPerSecond - y.rowsPerSecond);
  const baselineRun = byRate[Math.floor(byRate.length / 2)] ?? byRate[0];
  if (baselineRun === undefined) throw new Error('no baseline run');
  const baselineRowsAll = baselineRuns.reduce((sum, r) => sum + r.heartbeatRows + r.packageRows, 0);
  // PostgreSQL's CPU per row of the raw insert, to hold against the ingest path's (cores / persisted rows/s).
  const baseline = {
    ...baselineRun,
    runsRowsPerSecond: baselineRuns.map((r) => r.rowsPerSecond),
    cpu: baselineCpu,
    postgresCpuUsPerRow:
      Math.round(((baselineCpu.postgresCores * baselineCpu.windowS * 1e6) / baselineRowsAll) * 10) / 10,
  };
  log(`baseline: ${baseline.rowsPerSecond} rows/s (median of ${baseline.runsRowsPerSecond.join(', ')})`);

  const floor = await measureFloor(stack, options, { tenants, agents, shape, pgPid });
  log(`floor: ${floor.persist.rowsPerSecond} rows/s persisted, accept p99 ${floor.latency.p99} ms`);

  const ratioOf = (rowsPerSecond: number): number =>
    Math.round((rowsPerSecond / baseline.rowsPerSecond) * 100) / 100;
  const ratio = ratioOf(peakPersist.rowsPerSecond);
  const strip = <T extends { acceptedAt: unknown }>(run: T): Omit<T, 'acceptedAt'> => {
    const { acceptedAt: _drop, ...rest } = run;
    return rest;
  };
  return {
    setup,
    peak: {
      ...strip(peak),
      acceptedMessagesPerSecond: peakAcceptRate,
      requestsPerSecond: peakRequestRate,
      persist: peakPersist,
      cpu: peakCpu,
      // CPU per persisted row (cores / rows per second), to set against the baseline's postgresCpuUsPerRow.
      cpuUsPerPersistedRow: cpuPerRow('ingest', peakCpu, peakPersist.rowsPerSecond),
      ingest: { ...peakIngest, ...peakThread },
    },
    baseline,
    persistedToBaselineRatio: ratio,
    floor,
    floorToBaselineRatio: ratioOf(floor.persist.rowsPerSecond),
    halfRate: {
      ...strip(half),
      requestsPerSecondTarget: halfRps,
      acceptedMessagesPerSecond: rate(half.acceptedMessages, half.durationMs),
      persist: halfPersist,
      cpu: halfCpu,
      ingest: { ...halfIngest, ...halfThread },
    },
    storm: { ...storm, cpu: stormCpu, ingest: stormIngest },
    ingestMemoryMiB: {
      peakRssBeforeStorm: memBeforeStorm.hwm,
      peakRss: memAfterStorm.hwm,
      rssDuringStormMax: Math.max(...rssSamples),
      rssAfterStorm: memAfterStorm.rss,
      // With --split-ingest the figures above are the api process's; this is the writer process's.
      ...(writerPid === undefined ? {} : { writerPeakRss: memoryMiB(writerPid).hwm }),
    },
    ingestTopology: writerPid === undefined ? 'one process (role all)' : 'api and writer processes',
    targets: {
      persistedToBaseline: {
        target: '>= 0.5',
        value: ratio,
        met: ratio >= 0.5,
        // Not a target: what the leanest pipeline doing the same I/O reaches in this run (see measureFloor).
        floorValue: ratioOf(floor.persist.rowsPerSecond),
      },
      acceptP99AtHalfRateMs: { target: '<= 50', value: half.latency.p99, met: half.latency.p99 <= 50 },
      storm95RegisteredMs: {
        target: '<= 30000',
        value: storm.msUntil95Registered,
        met: storm.msUntil95Registered <= 30_000,
      },
      stormHeartbeatP95Ms: {
        target: '<= 250',
        value: storm.heartbeatLatency.p95,
        met: storm.heartbeatLatency.p95 <= 250,
      },
    },
  };
}

async function main(): Promise<number> {
  const workspace = repoRoot(__dirname);
  const options = parseOptions(process.argv.slice(2), workspace);
  const loadBefore = loadavg();
  const startedAt = new Date().toISOString();
  const probe = probeMachine();
  log(`machine: fstat ${probe.fstatUs} us, page touch ${probe.pageTouchUs} us`);
  log('starting PostgreSQL, NATS, OpenBAO and the four services');
  const profDir = join(workspace, 'tmp', `bench-ingest-prof-${process.pid}`);
  const stack = await startBenchStack({
    workspace,
    ingestEnv: options.ingestEnv,
    ingestNodeArgs: [
      ...options.ingestNodeOptions,
      ...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
    ],
    splitIngest: options.splitIngest,
    log,
  });
  let results: Record<string, unknown>;
  let ok = false;
  try {
    results = await measure(stack, options);
    ok = true;
  } finally {
    if (!ok || options.keepLogs) log(`service logs kept in ${stack.logDir}`);
    await stack.stop(!ok || options.keepLogs);
  }
  const profile = options.cpuProf ? { dir: profDir, ...summarizeProfiles(profDir) } : null;
  const report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      postgres: stack.pg.version,
      loadAverageBefore: loadBefore,
      probe,
      loadAverageAfter: loadavg(),
    },
    parameters: { ...options, out: undefined },
    ...results,
    ingestCpuProfile: profile,
  };
  await writePrettierJson(options.out, report);
  process.stdout.write(`${JSON.stringify(results['targets'], null, 2)}\n\nJSON: ${options.out}\n`);
  return 0;
}

if (require.main === module) runAsCli('bench-ingest', main);
