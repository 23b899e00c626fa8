import { parseArgs } from 'node:util';
import { UsageError } from './cli-io';

const VALUE_FLAGS = [
  'bao-addr',
  'bao-token',
  'bao-token-file',
  'config',
  'server',
  'pg-host',
  'pg-port',
  'pg-sslmode',
  'pg-admin-url',
  'out-dir',
  'sql-out',
  'kv-mount',
  'database-mount',
  'region',
  'jurisdiction',
  'capacity',
] as const;
const SWITCHES = ['register', 'sql-only', 'help'] as const;

export type ValueFlag = (typeof VALUE_FLAGS)[number];
export type SwitchFlag = (typeof SWITCHES)[number];

export interface CliFlags {
  value(name: ValueFlag): string | undefined;
  on(name: SwitchFlag): boolean;
}

/** `--name VALUE`, `--name=VALUE` and switches; anything else is a usage error. */
export function parseCliFlags(argv: readonly string[]): CliFlags {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of VALUE_FLAGS) options[name] = { type: 'string' };
  for (const name of SWITCHES) options[name] = { type: 'boolean' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (err) {
    // node's messages quote the argument, never more (a token given as a stray positional is not echoed back whole).
    throw new UsageError((err as Error).message.split('\n')[0].replace(/'[^']{24,}'/g, "'…'"));
  }
  for (const name of VALUE_FLAGS) {
    const value = values[name];
    if (value === '' || (typeof value === 'string' && value.startsWith('--')))
      throw new UsageError(`--${name} needs a value`);
  }
  return {
    value: (name) => {
      const value = values[name];
      return typeof value === 'string' ? value : undefined;
    },
    on: (name) => values[name] === true,
  };
}
