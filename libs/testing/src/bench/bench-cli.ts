import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { format, resolveConfig } from 'prettier';

/**
 * Writes `value` as JSON formatted the way the repository's Prettier would,
 * so a committed results file passes `make lint` as written.
 */
export async function writePrettierJson(file: string, value: unknown): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const options = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(JSON.stringify(value), { ...options, parser: 'json' }));
}

/**
 * Runs a benchmark's (or tool's) main: the number it resolves to is the exit
 * code; a failure is printed as `<name>: <stack>` and exits 1.
 */
export function runAsCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
