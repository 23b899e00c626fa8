import { PROCESS_REPORT_PREFIX } from './process-report-line';

/**
 * Preloaded into every `sysmanage-migrate` run of the bench (`node -r`): on
 * exit it writes one line to stderr with when the process got going (this
 * file runs before the migrator's modules load), when its event loop ran
 * dry, when it exited (ms since the process started) and its CPU time, so
 * the bench can split a run's wall time into start, work and shutdown.
 */

const preloadAtMs = performance.now();
let idleAtMs: number | null = null;
process.once('beforeExit', () => {
  idleAtMs = performance.now();
});
process.once('exit', () => {
  const cpu = process.cpuUsage();
  process.stderr.write(
    `\n${PROCESS_REPORT_PREFIX}${JSON.stringify({
      preloadAtMs,
      idleAtMs,
      exitAtMs: performance.now(),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    })}\n`,
  );
});
