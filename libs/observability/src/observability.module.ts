import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { HealthChecks } from './health/health-checks';
import { RequestObserverMiddleware } from './http/request-observer.middleware';
import { HttpMetrics } from './metrics/http-metrics';
import { MetricsController } from './metrics/metrics.controller';
import type { ObservabilityOptions } from './observability.options';
import { ShutdownLogger } from './service/shutdown-logger';
import { OBSERVABILITY_OPTIONS, ROOT_LOGGER } from './observability.tokens';

/**
 * Health, metrics and request correlation for one service. Global, so any
 * module can inject HealthChecks (to register its dependency's check) or the
 * root logger (ROOT_LOGGER).
 */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: options },
        { provide: ROOT_LOGGER, useValue: options.logger },
        HealthChecks,
        HttpMetrics,
        RequestObserverMiddleware,
        ShutdownLogger,
      ],
      exports: [ROOT_LOGGER, HealthChecks, HttpMetrics],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Express 5 path syntax: a named, optional wildcard matches every path including "/".
    consumer.apply(RequestObserverMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
