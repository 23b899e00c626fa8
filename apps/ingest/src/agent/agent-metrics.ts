import { Injectable } from '@nestjs/common';
import { HttpMetrics } from '@sysmanage/observability';
import { Counter, Histogram } from 'prom-client';
import type { AgentErrorCode } from './agent-error';

// From 1 ms (a cached credential and a fast JetStream ack) to 5 s (JetStream's publish timeout).
const ACCEPT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The agent API's Prometheus metrics, in the app's own registry (one per
 * application instance, so tests starting several apps do not collide).
 */
@Injectable()
export class AgentMetrics {
  private readonly acceptedTotal: Counter<'type'>;
  private readonly rejectedTotal: Counter<'code'>;
  private readonly acceptSeconds: Histogram;
  private readonly registrationsTotal: Counter<'outcome'>;
  private readonly credentialLookups: Counter<'result'>;

  constructor(http: HttpMetrics) {
    const registers = [http.registry];
    this.acceptedTotal = new Counter({
      name: 'sysmanage_ingest_messages_accepted_total',
      help: 'Agent messages stored in JetStream and acknowledged with 202, by message type',
      labelNames: ['type'],
      registers,
    });
    this.rejectedTotal = new Counter({
      name: 'sysmanage_ingest_requests_rejected_total',
      help: 'Agent API requests refused, by problem code',
      labelNames: ['code'],
      registers,
    });
    this.acceptSeconds = new Histogram({
      name: 'sysmanage_ingest_accept_seconds',
      help: 'Time from a batch arriving to every message acknowledged by JetStream, in seconds',
      buckets: ACCEPT_BUCKETS,
      registers,
    });
    this.registrationsTotal = new Counter({
      name: 'sysmanage_ingest_registrations_total',
      help: 'Host registrations, by outcome (enrolled, re_enrolled)',
      labelNames: ['outcome'],
      registers,
    });
    this.credentialLookups = new Counter({
      name: 'sysmanage_ingest_credential_cache_total',
      help: 'Host credential lookups, by result (hit, miss)',
      labelNames: ['result'],
      registers,
    });
  }

  accepted(type: string, count: number): void {
    this.acceptedTotal.inc({ type }, count);
  }

  rejected(code: AgentErrorCode): void {
    this.rejectedTotal.inc({ code });
  }

  acceptLatency(seconds: number): void {
    this.acceptSeconds.observe(seconds);
  }

  registered(reEnrolled: boolean): void {
    this.registrationsTotal.inc({ outcome: reEnrolled ? 're_enrolled' : 'enrolled' });
  }

  credentialLookup(hit: boolean): void {
    this.credentialLookups.inc({ result: hit ? 'hit' : 'miss' });
  }
}
