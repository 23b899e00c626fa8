import { Registry } from 'prom-client';

/**
 * Process-wide registry for metrics that libraries define (pool gauges, lease
 * counters, ...). Not prom-client's global registry, so nothing registers here
 * by accident; `/metrics` serves it together with the app's own registry.
 */
export const metricsRegistry = new Registry();
