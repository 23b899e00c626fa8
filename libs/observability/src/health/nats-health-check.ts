import type { NatsConnection } from 'nats';
import { ObservabilityError, ObservabilityErrorCode } from '../observability.error';
import type { HealthCheck } from './health-check';

/**
 * NATS is ready when the connection is open and a flush (a PING/PONG round trip
 * to the server) completes: a connection that is reconnecting does not answer,
 * and the readiness timeout turns that into a failure. `nc` is a getter because
 * the connection is usually created after the check is declared.
 */
export function natsHealthCheck(nc: () => NatsConnection | null, name = 'nats'): HealthCheck {
  return {
    name,
    async check() {
      const connection = nc();
      if (!connection) {
        throw new ObservabilityError(ObservabilityErrorCode.DEPENDENCY_UNAVAILABLE, 'no connection');
      }
      if (connection.isClosed()) {
        throw new ObservabilityError(ObservabilityErrorCode.DEPENDENCY_UNAVAILABLE, 'connection closed');
      }
      if (connection.isDraining()) {
        throw new ObservabilityError(ObservabilityErrorCode.DEPENDENCY_UNAVAILABLE, 'connection draining');
      }
      await connection.flush();
    },
  };
}
