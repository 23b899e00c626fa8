import { RegistryTenant } from '@sysmanage/schema';
import type { NatsConnection } from 'nats';
import type { BenchStack } from './bench-stack';
import { histogramTotals, type HistogramTotals } from './prom-text';
import { placeTenant, publishCommand } from './registry-rows';
import { summarize, type Summary } from './stats';
import { TenantEventWaiter } from './tenant-events';

/** The provisioner's per-step histogram (apps/provisioner/src/provisioning/step-metrics.ts). */
const STEP_METRIC = 'sysmanage_provisioning_step_seconds';
export const PROVISION_STEPS = ['reserve', 'database', 'openbao', 'migrate', 'activate'] as const;
const TENANT_TIMEOUT_MS = 120_000;

export interface TenantTiming {
  slug: string;
  /** Command published -> `provisioned` event received (tenant `active` committed). */
  seconds: number;
  /** Each step's duration as the provisioner measured it (delta of its histogram's _sum). */
  steps: Record<string, number>;
  /** seconds - sum(steps): queue delivery, job bookkeeping in the registry, the event's trip back. */
  outsideSteps: number;
}

export interface ProvisioningResult {
  tenants: TenantTiming[];
  perTenant: Summary;
  perStep: Record<string, Summary>;
  outsideSteps: Summary;
}

async function stepTotals(metricsUrl: string): Promise<Map<string, HistogramTotals>> {
  const res = await fetch(metricsUrl);
  if (res.status !== 200) throw new Error(`GET ${metricsUrl} answered ${res.status}`);
  return histogramTotals(await res.text(), STEP_METRIC, 'step', { outcome: 'ok' });
}

/**
 * The provisioner observes `activate` right after the step published the
 * event, so the scrape may briefly lag the event: poll until every step
 * counted exactly one more run.
 */
async function stepDeltas(
  metricsUrl: string,
  before: Map<string, HistogramTotals>,
): Promise<{ after: Map<string, HistogramTotals>; steps: Record<string, number> }> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const after = await stepTotals(metricsUrl);
    const counts = PROVISION_STEPS.map(
      (step) => (after.get(step)?.count ?? 0) - (before.get(step)?.count ?? 0),
    );
    if (counts.every((c) => c === 1)) {
      const steps = Object.fromEntries(
        PROVISION_STEPS.map((step) => [step, (after.get(step)?.sum ?? 0) - (before.get(step)?.sum ?? 0)]),
      );
      return { after, steps };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `step counts moved by ${counts.join('/')} for ${PROVISION_STEPS.join('/')} (a step retried or failed?)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Provisions `slugs` one after the other through the running provisioner:
 * the registry rows first (not timed), then the command is published and
 * the clock runs until the tenant's `provisioned` event arrives.
 */
export async function provisionSequentially(
  stack: BenchStack,
  nc: NatsConnection,
  slugs: readonly string[],
  metricsUrl: string,
  log: (line: string) => void,
): Promise<ProvisioningResult> {
  const events = new TenantEventWaiter(nc);
  const js = nc.jetstream();
  const tenants: TenantTiming[] = [];
  try {
    let totals = await stepTotals(metricsUrl);
    for (const slug of slugs) {
      const queued = await placeTenant(stack.registry, slug, stack.server);
      const started = performance.now();
      await publishCommand(js, queued);
      const done = await events.provisioned(queued.tenantId, TENANT_TIMEOUT_MS);
      const seconds = (done - started) / 1000;
      const tenant = await stack.registry
        .getRepository(RegistryTenant)
        .findOneByOrFail({ id: queued.tenantId });
      if (tenant.status !== 'active') throw new Error(`tenant ${slug} is ${tenant.status} after its event`);
      const { after, steps } = await stepDeltas(metricsUrl, totals);
      totals = after;
      const inSteps = Object.values(steps).reduce((sum, s) => sum + s, 0);
      tenants.push({ slug, seconds, steps, outsideSteps: seconds - inSteps });
      log(
        `  ${slug}: ${seconds.toFixed(3)} s (${PROVISION_STEPS.map((s) => `${s} ${(steps[s] ?? 0).toFixed(3)}`).join(', ')})`,
      );
    }
  } finally {
    events.close();
  }
  return {
    tenants,
    perTenant: summarize(tenants.map((t) => t.seconds)),
    perStep: Object.fromEntries(
      PROVISION_STEPS.map((step) => [step, summarize(tenants.map((t) => t.steps[step] ?? 0))]),
    ),
    outsideSteps: summarize(tenants.map((t) => t.outsideSteps)),
  };
}

/** Provisions more tenants without timing each (the fan-out needs 50 databases at head). */
export async function provisionBulk(
  stack: BenchStack,
  nc: NatsConnection,
  slugs: readonly string[],
): Promise<number> {
  const events = new TenantEventWaiter(nc);
  const js = nc.jetstream();
  const started = performance.now();
  try {
    const queued = [];
    for (const slug of slugs) queued.push(await placeTenant(stack.registry, slug, stack.server));
    for (const tenant of queued) await publishCommand(js, tenant);
    await Promise.all(queued.map((t) => events.provisioned(t.tenantId, TENANT_TIMEOUT_MS * 5)));
  } finally {
    events.close();
  }
  return (performance.now() - started) / 1000;
}
