/** One dependency a service needs to do useful work; check() rejects when it cannot. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export type CheckOutcome = 'ok' | `error: ${string}`;

export interface ReadinessReport {
  status: 'ok' | 'error';
  checks: Record<string, CheckOutcome>;
}
