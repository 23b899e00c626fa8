import { histogramTotals } from './prom-text';

const EXPOSITION = `# HELP sysmanage_provisioning_step_seconds Duration of one provisioning saga step
# TYPE sysmanage_provisioning_step_seconds histogram
sysmanage_provisioning_step_seconds_bucket{le="0.01",step="reserve",outcome="ok",service="provisioner"} 2
sysmanage_provisioning_step_seconds_sum{step="reserve",outcome="ok",service="provisioner"} 0.004
sysmanage_provisioning_step_seconds_count{step="reserve",outcome="ok",service="provisioner"} 2
sysmanage_provisioning_step_seconds_sum{step="migrate",outcome="error",service="provisioner"} 60
sysmanage_provisioning_step_seconds_count{step="migrate",outcome="error",service="provisioner"} 1
sysmanage_provisioning_step_seconds_sum{step="migrate",outcome="ok",service="provisioner"} 0.25
sysmanage_provisioning_step_seconds_count{step="migrate",outcome="ok",service="provisioner"} 2
http_request_duration_seconds_sum{method="GET",route="/metrics",status="200"} 9
`;

describe('histogramTotals', () => {
  it('reads _sum and _count per step, only for the asked outcome, ignoring buckets and other metrics', () => {
    const totals = histogramTotals(EXPOSITION, 'sysmanage_provisioning_step_seconds', 'step', {
      outcome: 'ok',
    });
    expect(Object.fromEntries(totals)).toEqual({
      reserve: { sum: 0.004, count: 2 },
      migrate: { sum: 0.25, count: 2 },
    });
  });

  it('an exposition without the metric gives nothing', () => {
    expect(histogramTotals('up 1\n', 'sysmanage_provisioning_step_seconds', 'step').size).toBe(0);
  });
});
