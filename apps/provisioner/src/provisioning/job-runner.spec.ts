import { encodeMessage, ProvisioningAction } from '@sysmanage/contracts';
import type { RegistryProvisioningJob, RegistryTenant } from '@sysmanage/schema';
import { Logger } from '@nestjs/common';
import type { JobContext, SagaStep } from '../saga/job-context';
import { crashIfRequested } from './crash-hook';
import { JobRunner, type RunnerStore } from './job-runner';
import type { StepTimer } from './step-metrics';
import { readWorkerSettings } from './worker-settings';

const JOB_ID = '6f1c1f7e-4a8e-4a7c-9a59-0c2f3b1d2e01';
const TENANT_ID = '0b3e9f5a-2d8c-4f1e-8a7b-5c6d7e8f9a10';
const settings = { ...readWorkerSettings({}), maxAttempts: 3, backoffBaseMs: 100, backoffMaxMs: 1_000 };

function command(overrides: Record<string, unknown> = {}): Uint8Array {
  return encodeMessage({
    jobId: JOB_ID,
    tenantId: TENANT_ID,
    action: 'provision',
    requestedAt: '2026-11-28T03:00:00.000Z',
    ...overrides,
  });
}

function harness(
  job: Partial<RegistryProvisioningJob> | null,
  attempts = 1,
  failAt: string | null = null,
  timer?: StepTimer,
) {
  const ran: string[] = [];
  const stored =
    job === null
      ? null
      : ({
          id: JOB_ID,
          tenantId: TENANT_ID,
          kind: 'provision',
          step: null,
          status: 'queued',
          attempts: attempts - 1,
          lastError: null,
          ...job,
        } as RegistryProvisioningJob);
  const tenant = { id: TENANT_ID, slug: 'acme', status: 'pending' } as RegistryTenant;
  const store: jest.Mocked<RunnerStore> = {
    findJob: jest.fn(async (_jobId: string) => stored),
    beginAttempt: jest.fn(async (_jobId: string) => attempts),
    loadContext: jest.fn(async (j: RegistryProvisioningJob, keepDatabase: boolean): Promise<JobContext> => ({
      job: j,
      tenant,
      placement: null,
      server: null,
      keepDatabase,
    })),
    recordStep: jest.fn(async (_jobId: string, _step: string) => undefined),
    recordError: jest.fn(async (_jobId: string, _step: string, _error: string) => undefined),
    fail: jest.fn(async (_jobId: string, _tenantId: string, _step: string, _error: string) => undefined),
  };
  const step = (name: string): SagaStep => ({
    name,
    run: async () => {
      ran.push(name);
      if (name === failAt) throw new Error(`${name} exploded`);
    },
  });
  const sagas = { steps: () => ['reserve', 'database', 'openbao', 'migrate', 'activate'].map(step) };
  const nc = { publish: jest.fn() };
  const runner = new JobRunner(store, sagas, nc, settings, new Logger('test'), timer);
  return { runner, store, ran, nc };
}

describe('JobRunner', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs every step in order, recording each before it runs, and acks', async () => {
    const h = harness({});
    expect(await h.runner.run(command())).toEqual({ kind: 'ack' });
    expect(h.ran).toEqual(['reserve', 'database', 'openbao', 'migrate', 'activate']);
    expect(h.store.recordStep.mock.calls.map(([, step]) => step)).toEqual(h.ran);
  });

  it('times every step it runs, the failing one with outcome error', async () => {
    const observed: Array<[string, string, number]> = [];
    const timer: StepTimer = { observe: (step, outcome, seconds) => observed.push([step, outcome, seconds]) };
    await harness({}, 1, 'migrate', timer).runner.run(command());
    expect(observed.map(([step, outcome]) => `${step}:${outcome}`)).toEqual([
      'reserve:ok',
      'database:ok',
      'openbao:ok',
      'migrate:error',
    ]);
    for (const [, , seconds] of observed) expect(seconds).toBeGreaterThanOrEqual(0);
  });

  it('resumes at the recorded step on a redelivery, repeating that step', async () => {
    const h = harness({ step: 'openbao', status: 'running' }, 2);
    expect(await h.runner.run(command())).toEqual({ kind: 'ack' });
    expect(h.ran).toEqual(['openbao', 'migrate', 'activate']);
  });

  it('passes keepDatabase through to the job context', async () => {
    const h = harness({ kind: 'deprovision' });
    await h.runner.run(command({ action: ProvisioningAction.DEPROVISION, keepDatabase: true }));
    expect(h.store.loadContext).toHaveBeenCalledWith(expect.objectContaining({ id: JOB_ID }), true);
  });

  it('a failing step below the attempt limit records the error and asks for a retry with backoff', async () => {
    const h = harness({}, 2, 'database');
    expect(await h.runner.run(command())).toEqual({ kind: 'retry', delayMs: 200 });
    expect(h.ran).toEqual(['reserve', 'database']);
    expect(h.store.recordError).toHaveBeenCalledWith(JOB_ID, 'database', 'database exploded');
    expect(h.store.fail).not.toHaveBeenCalled();
  });

  it('the last attempt failing marks job and tenant failed with the step and error, publishes `failed`, and acks', async () => {
    const h = harness({}, 3, 'migrate');
    expect(await h.runner.run(command())).toEqual({ kind: 'ack' });
    expect(h.store.fail).toHaveBeenCalledWith(JOB_ID, TENANT_ID, 'migrate', 'migrate exploded');
    expect(h.nc.publish).toHaveBeenCalledWith('sysmanage.tenant.events.failed', expect.any(Uint8Array));
    const event = JSON.parse(
      new TextDecoder().decode(h.nc.publish.mock.calls[0]![1] as Uint8Array),
    ) as Record<string, unknown>;
    expect(event).toMatchObject({
      kind: 'failed',
      tenantId: TENANT_ID,
      slug: 'acme',
      status: 'failed',
      reason: 'migrate: migrate exploded',
    });
  });

  it('a delivery beyond the attempt limit (the worker died during the last one) fails the job without running a step', async () => {
    const h = harness({ step: 'database', status: 'running', lastError: null }, 4);
    expect(await h.runner.run(command())).toEqual({ kind: 'ack' });
    expect(h.ran).toEqual([]);
    expect(h.store.fail).toHaveBeenCalledWith(
      JOB_ID,
      TENANT_ID,
      'database',
      'gave up after 3 attempts: the worker stopped while working on it',
    );
  });

  it('acks a finished job without touching it', async () => {
    const h = harness({ status: 'succeeded', step: 'activate' });
    expect(await h.runner.run(command())).toEqual({ kind: 'ack' });
    expect(h.store.beginAttempt).not.toHaveBeenCalled();
  });

  it('drops an invalid command, an unknown job and a command that does not match its job', async () => {
    const invalid = await harness({}).runner.run(encodeMessage({ jobId: 'x', action: 'explode' }));
    expect(invalid).toMatchObject({
      kind: 'drop',
      reason: expect.stringMatching(/^ProvisioningCommand is invalid: /),
    });
    expect(await harness(null).runner.run(command())).toEqual({
      kind: 'drop',
      reason: `provisioning job ${JOB_ID} is not in the registry (already removed or never recorded)`,
    });
    const mismatch = await harness({ kind: 'suspend' }).runner.run(command());
    expect(mismatch).toMatchObject({ kind: 'drop', reason: expect.stringContaining('does not match job') });
  });
});

describe('crashIfRequested', () => {
  it('kills only after the named step', () => {
    const kill = jest.fn();
    crashIfRequested('database', 'reserve', kill);
    crashIfRequested(null, 'database', kill);
    expect(kill).not.toHaveBeenCalled();
    crashIfRequested('database', 'database', kill);
    expect(kill).toHaveBeenCalledTimes(1);
  });
});
