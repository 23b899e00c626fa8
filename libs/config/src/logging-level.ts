import type { LoggingConfig } from './config.types';
import type { ValueType } from './value-types';

type Level = LoggingConfig['level'];

const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

// SysManage's own config writes Python logging names, sometimes as a pipe list
// ("INFO|WARNING|ERROR|CRITICAL"); a shared file must not stop our services.
const PYTHON_NAMES: Readonly<Record<string, Level>> = { warning: 'warn', critical: 'fatal' };

function toLevel(word: string): Level | undefined {
  const lower = word.trim().toLowerCase();
  return LEVELS.find((l) => l === lower) ?? PYTHON_NAMES[lower];
}

/** A pino level; a SysManage pipe list maps to its most verbose member. */
export const loggingLevelValue: ValueType<Level> = {
  name: 'enum',
  expected: `one of ${LEVELS.join(', ')}`,
  parse(raw) {
    if (typeof raw !== 'string' || raw.trim() === '') return undefined;
    const levels = raw.split('|').map(toLevel);
    if (levels.some((l) => l === undefined)) return undefined;
    return LEVELS.find((l) => levels.includes(l));
  },
};
