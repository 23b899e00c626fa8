import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HarnessError, HarnessErrorCode } from '../harness-error';
import { harnessRoot, trackResource } from '../process/registry';
import type { PgBinaries } from './pg-binaries';
import { postgresOsUser } from './pg-os-user';

const execFileAsync = promisify(execFile);

/** Bump when initdb flags or pg_hba.conf change, so old templates are not reused. */
const TEMPLATE_FORMAT = 2;

/** No trust line anywhere: every connection proves the password (the point of these instances). */
const PG_HBA = [
  '# Written by @sysmanage/testing: password (SCRAM) authentication for every connection.',
  'local   all   all                  scram-sha-256',
  'host    all   all   127.0.0.1/32   scram-sha-256',
  'host    all   all   ::1/128        scram-sha-256',
  '',
].join('\n');

export interface PgTemplate {
  /** An initdb'ed data directory (owned by the PostgreSQL OS user) to copy. */
  dataDir: string;
  /** The template superuser's password; each instance replaces it at start. */
  password: string;
}

const templates = new Map<string, Promise<PgTemplate>>();

/**
 * initdb takes 1-2 s; copying its result takes ~0.1 s. Templates are cached
 * under <tmp>/sysmanage-harness/templates, keyed by binary and version, and
 * shared by all processes (Jest workers): each process that finds none builds
 * one in a private dir and renames it into place; the first rename wins.
 */
export function pgTemplate(binaries: PgBinaries): Promise<PgTemplate> {
  const key = `pg-${binaries.source}-${binaries.version}-f${TEMPLATE_FORMAT}`;
  let template = templates.get(key);
  if (template === undefined) {
    template = loadOrBuild(key, binaries);
    template.catch(() => templates.delete(key));
    templates.set(key, template);
  }
  return template;
}

function readTemplate(dir: string): PgTemplate | null {
  const passwordFile = join(dir, 'password');
  const dataDir = join(dir, 'data');
  if (!existsSync(passwordFile) || !existsSync(join(dataDir, 'PG_VERSION'))) return null;
  return { dataDir, password: readFileSync(passwordFile, 'utf8').trim() };
}

async function loadOrBuild(key: string, binaries: PgBinaries): Promise<PgTemplate> {
  const root = join(harnessRoot(), 'templates');
  const finalDir = join(root, key);
  const existing = readTemplate(finalDir);
  if (existing !== null) return existing;

  // 0711: the PostgreSQL OS user must traverse it to run initdb in the build dir.
  mkdirSync(root, { recursive: true, mode: 0o711 });
  const buildDir = mkdtempSync(join(root, `.build-${key}-`));
  const tracked = trackResource('pg-template-build', [buildDir]);
  try {
    await initdb(binaries, buildDir);
    try {
      renameSync(buildDir, finalDir);
    } catch {
      // Another process won the race; use its template and drop ours.
      rmSync(buildDir, { recursive: true, force: true });
    }
  } finally {
    tracked.release();
  }
  const built = readTemplate(finalDir);
  if (built === null)
    throw new HarnessError(HarnessErrorCode.START_FAILED, `PostgreSQL template ${finalDir} is incomplete`);
  return built;
}

async function initdb(binaries: PgBinaries, buildDir: string): Promise<void> {
  const user = postgresOsUser();
  const password = randomBytes(24).toString('hex');
  const dataDir = join(buildDir, 'data');
  const pwfile = join(buildDir, 'pwfile');
  writeFileSync(join(buildDir, 'password'), `${password}\n`, { mode: 0o600 });
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user !== null) {
    chownSync(buildDir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  try {
    await execFileAsync(
      binaries.initdb,
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
        // The template is copied, never run in place: skipping fsync saves most of initdb's time.
        '--no-sync',
        // 1 MB WAL segments instead of 16: the copy every instance starts from shrinks from 39 to 24 MB.
        '--wal-segsize=1',
        '--no-instructions',
      ],
      { uid: user?.uid, gid: user?.gid, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' } },
    );
  } catch (err) {
    const stderr = typeof err === 'object' && err !== null && 'stderr' in err ? String(err.stderr) : '';
    throw new HarnessError(
      HarnessErrorCode.START_FAILED,
      `initdb (${binaries.initdb}) failed: ${stderr.trim()}`,
      { cause: err },
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
  writeFileSync(join(dataDir, 'pg_hba.conf'), PG_HBA, { mode: 0o600 });
  if (user !== null) chownSync(join(dataDir, 'pg_hba.conf'), user.uid, user.gid);
}
