import { metricsRegistry } from '@sysmanage/observability';
import { Histogram, type Registry } from 'prom-client';

export const STEP_SECONDS_METRIC = 'sysmanage_provisioning_step_seconds';

/** 10 ms to 60 s: a database step takes tens of milliseconds, a migrate step may wait on the migrator. */
const STEP_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Where JobRunner reports how long each saga step ran (a no-op in unit tests). */
export interface StepTimer {
  observe(step: string, outcome: 'ok' | 'error', seconds: number): void;
}

/**
 * `sysmanage_provisioning_step_seconds{step,outcome}` on the shared metrics
 * registry (served by /metrics): per-step latency, so an operator (and
 * tools/bench/provisioning) sees which step bounds a provisioning. Reuses the
 * histogram when the worker is built twice in one process (tests).
 */
export function stepMetrics(registry: Registry = metricsRegistry): StepTimer {
  const existing = registry.getSingleMetric(STEP_SECONDS_METRIC);
  const histogram =
    existing instanceof Histogram
      ? (existing as Histogram<'step' | 'outcome'>)
      : new Histogram({
          name: STEP_SECONDS_METRIC,
          help: 'Duration of one provisioning saga step in seconds, by step and outcome (ok, error)',
          labelNames: ['step', 'outcome'],
          buckets: STEP_BUCKETS,
          registers: [registry],
        });
  return { observe: (step, outcome, seconds) => histogram.observe({ step, outcome }, seconds) };
}
