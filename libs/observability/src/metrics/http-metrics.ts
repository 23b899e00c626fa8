import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { OBSERVABILITY_OPTIONS } from '../observability.tokens';
import type { ObservabilityOptions } from '../observability.options';
import { metricsRegistry } from './metrics-registry';

const LABELS = ['method', 'route', 'status'] as const;
// Latency buckets from 5 ms to 10 s: agent posts are fast, control-plane calls may wait on a database.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The app's own registry: default process metrics plus the HTTP request
 * metrics, labelled with the service. One per application instance, so two apps
 * in one process (tests) do not collide on metric names.
 */
@Injectable()
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly duration: Histogram<(typeof LABELS)[number]>;

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions) {
    this.registry.setDefaultLabels({ service: options.service });
    metricsRegistry.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames: LABELS,
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route template and status code',
      labelNames: LABELS,
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  /** The Prometheus text exposition of this app's and the shared registry. */
  async render(): Promise<{ contentType: string; body: string }> {
    // Concatenated, not Registry.merge(): merging drops each registry's default labels.
    const [own, shared] = await Promise.all([this.registry.metrics(), metricsRegistry.metrics()]);
    return { contentType: this.registry.contentType, body: shared ? `${own}\n${shared}` : own };
  }
}
