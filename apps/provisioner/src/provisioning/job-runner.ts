import {
  ContractError,
  ProvisioningCommand,
  TenantEventKind,
  TenantStatus,
  validateMessage,
} from '@sysmanage/contracts';
import type { Logger } from '@nestjs/common';
import type { JobStore } from '../saga/job-store';
import { publishTenantEvent } from '../saga/tenant-event-publisher';
import type { TenantSagas } from '../saga/tenant-sagas';
import type { NatsConnection } from 'nats';
import { crashIfRequested } from './crash-hook';
import { describeError } from './provisioner-error';
import type { StepTimer } from './step-metrics';
import { retryDelayMs, type WorkerSettings } from './worker-settings';

/** The registry operations the runner needs (JobStore; a fake in unit tests). */
export type RunnerStore = Pick<
  JobStore,
  'findJob' | 'beginAttempt' | 'loadContext' | 'recordStep' | 'recordError' | 'fail'
>;

/** What the runner decided for the message; the worker acts on it (ack, nak with delay, term). */
export type Disposition =
  { kind: 'ack' } | { kind: 'retry'; delayMs: number } | { kind: 'drop'; reason: string };

/**
 * Runs one delivery of a provisioning command: resumes the job at its
 * recorded step, records every step before running it, and records the
 * outcome (success, or the error and - out of attempts - the failed tenant)
 * before it returns, so the message is settled only after the registry knows.
 */
export class JobRunner {
  constructor(
    private readonly store: RunnerStore,
    private readonly sagas: Pick<TenantSagas, 'steps'>,
    private readonly nc: Pick<NatsConnection, 'publish'>,
    private readonly settings: WorkerSettings,
    private readonly logger: Logger,
    private readonly timer: StepTimer = { observe: () => undefined },
  ) {}

  async run(data: Uint8Array): Promise<Disposition> {
    let command: ProvisioningCommand;
    try {
      command = validateMessage(ProvisioningCommand, data);
    } catch (error) {
      if (error instanceof ContractError) return { kind: 'drop', reason: error.message };
      throw error;
    }
    const job = await this.store.findJob(command.jobId);
    if (!job) {
      // Deprovision deletes its own job with the tenant; a redelivery after that is done.
      return {
        kind: 'drop',
        reason: `provisioning job ${command.jobId} is not in the registry (already removed or never recorded)`,
      };
    }
    if (job.tenantId !== command.tenantId || job.kind !== command.action) {
      return {
        kind: 'drop',
        reason: `command ${command.action} for tenant ${command.tenantId} does not match job ${job.id} (${job.kind} for ${job.tenantId})`,
      };
    }
    if (job.status === 'succeeded' || job.status === 'failed') return { kind: 'ack' };

    const attempts = await this.store.beginAttempt(job.id);
    const ctx = await this.store.loadContext(job, command.keepDatabase === true);
    if (!ctx)
      return { kind: 'drop', reason: `tenant ${job.tenantId} of job ${job.id} is not in the registry` };

    const steps = this.sagas.steps(command.action);
    const resumeAt = Math.max(
      0,
      steps.findIndex((s) => s.name === job.step),
    );
    if (attempts > this.settings.maxAttempts) {
      const step = steps[resumeAt]?.name ?? 'unknown';
      await this.failJob(
        ctx.job.id,
        ctx.tenant,
        step,
        `gave up after ${this.settings.maxAttempts} attempts: ${job.lastError ?? 'the worker stopped while working on it'}`,
      );
      return { kind: 'ack' };
    }
    this.logger.log(
      `job ${job.id}: ${command.action} tenant ${ctx.tenant.slug}, attempt ${attempts}, from step ${steps[resumeAt]?.name}`,
    );

    for (const step of steps.slice(resumeAt)) {
      await this.store.recordStep(job.id, step.name);
      const started = performance.now();
      try {
        await step.run(ctx);
      } catch (error) {
        this.timer.observe(step.name, 'error', (performance.now() - started) / 1000);
        return this.stepFailed(ctx.job.id, ctx.tenant, step.name, attempts, error);
      }
      const ms = performance.now() - started;
      this.timer.observe(step.name, 'ok', ms / 1000);
      this.logger.log(`job ${job.id}: step ${step.name} done in ${Math.round(ms)} ms`);
      crashIfRequested(this.settings.crashAfterStep, step.name);
    }
    return { kind: 'ack' };
  }

  private async stepFailed(
    jobId: string,
    tenant: { id: string; slug: string },
    step: string,
    attempts: number,
    error: unknown,
  ): Promise<Disposition> {
    const message = describeError(error);
    if (attempts >= this.settings.maxAttempts) {
      this.logger.error(
        `job ${jobId}: step ${step} failed on attempt ${attempts} of ${this.settings.maxAttempts}, giving up: ${message}`,
      );
      await this.failJob(jobId, tenant, step, message);
      return { kind: 'ack' };
    }
    const delayMs = retryDelayMs(this.settings, attempts);
    this.logger.warn(
      `job ${jobId}: step ${step} failed on attempt ${attempts} of ${this.settings.maxAttempts}, retrying in ${delayMs} ms: ${message}`,
    );
    await this.store.recordError(jobId, step, message);
    return { kind: 'retry', delayMs };
  }

  private async failJob(
    jobId: string,
    tenant: { id: string; slug: string },
    step: string,
    message: string,
  ): Promise<void> {
    await this.store.fail(jobId, tenant.id, step, message);
    publishTenantEvent(this.nc, TenantEventKind.FAILED, tenant, TenantStatus.FAILED, `${step}: ${message}`);
  }
}
