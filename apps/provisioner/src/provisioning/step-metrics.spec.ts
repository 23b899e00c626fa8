import { Registry } from 'prom-client';
import { STEP_SECONDS_METRIC, stepMetrics } from './step-metrics';

describe('stepMetrics', () => {
  it('exposes sysmanage_provisioning_step_seconds by step and outcome', async () => {
    const registry = new Registry();
    const timer = stepMetrics(registry);
    timer.observe('database', 'ok', 0.04);
    timer.observe('database', 'ok', 0.06);
    timer.observe('migrate', 'error', 2);
    const text = await registry.metrics();
    expect(text).toContain(`${STEP_SECONDS_METRIC}_count{step="database",outcome="ok"} 2`);
    expect(text).toContain(`${STEP_SECONDS_METRIC}_sum{step="database",outcome="ok"} 0.1`);
    expect(text).toContain(`${STEP_SECONDS_METRIC}_count{step="migrate",outcome="error"} 1`);
  });

  it('a second worker in the same process reuses the histogram instead of failing to register', async () => {
    const registry = new Registry();
    stepMetrics(registry).observe('reserve', 'ok', 0.01);
    stepMetrics(registry).observe('reserve', 'ok', 0.01);
    expect(await registry.metrics()).toContain(`${STEP_SECONDS_METRIC}_count{step="reserve",outcome="ok"} 2`);
  });
});
