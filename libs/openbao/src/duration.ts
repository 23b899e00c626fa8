import type { Duration } from './openbao.types';
import { invalidArgument } from './openbao-error';

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** A TTL as OpenBAO takes it: whole seconds as a number, or a duration string ("90s", "15m", "1h30m"). */
export function duration(field: string, value: Duration): number | string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0)
      throw invalidArgument(`Invalid ${field} ${value}: expected whole seconds >= 0`);
    return value;
  }
  if (!GO_DURATION.test(value) && !/^\d+$/.test(value))
    throw invalidArgument(
      `Invalid ${field} ${JSON.stringify(value)}: expected seconds or a duration such as "15m"`,
    );
  return value;
}
