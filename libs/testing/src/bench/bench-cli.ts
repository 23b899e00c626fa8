import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `value` as JSON formatted the way the repository's Prettier would,
 * so a committed results file passes `make lint` as written. For programs
 * (the benchmarks), not for Jest.
 */
export async function writePrettierJson(file: string, value: unknown): Promise<void> {
  // Loaded here, not with the module: Prettier 3 loads its parsers by dynamic import, which Jest refuses
  // (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING) in every suite that merely imports @sysmanage/testing.
  const { format, resolveConfig } = await import('prettier');
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
