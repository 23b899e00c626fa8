import { QueryFailedError } from 'typeorm';

/** True when `error` is PostgreSQL's unique_violation (23505) on `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError: { code?: unknown; constraint?: unknown } = error.driverError;
  return driverError.code === '23505' && driverError.constraint === constraint;
}
