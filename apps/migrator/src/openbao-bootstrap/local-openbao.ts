import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import type { VaultConfig } from '@sysmanage/config';
import { MigratorError, MigratorErrorCode, errorMessage } from '../errors/migrator-error';
import { resolveBaoBinary } from './bao-binary';
import { initFilePath, readInitFile, writeInitFile } from './init-file';
import { initialize, probeHealth, unseal, type SealHealth } from './seal-api';
import { ensureServerConfigFile } from './server-config-file';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const POLL_MS = 100;

export interface LocalOpenBaoContext {
  env: Record<string, string | undefined>;
  cwd: string;
  /** One progress line (no newline); never given a key or token. */
  progress(line: string): void;
}

/** A server this run started; `vault` is the config to use while it runs. */
export interface LocalOpenBao {
  vault: VaultConfig;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s). Idempotent. */
  stop(): Promise<void>;
}

function bootstrapError(message: string, cause?: unknown): MigratorError {
  return new MigratorError(MigratorErrorCode.OPENBAO_BOOTSTRAP_FAILED, `local OpenBAO (vault.bootstrap): ${message}`, { cause });
}

export function hasAuth(vault: VaultConfig): boolean {
  return vault.token !== undefined || vault.tokenFile !== undefined || vault.approle !== undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHealth(url: string, child: ChildProcess, accept: (h: SealHealth) => boolean, what: string): Promise<SealHealth> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before it ${what}`);
    }
    const health = await probeHealth(url);
    if (health !== null && accept(health)) return health;
    if (Date.now() >= deadline) throw new Error(`the server did not ${what} within ${START_TIMEOUT_MS / 1000} s at ${url}`);
    await sleep(POLL_MS);
  }
}

/** util-linux's setpriv: the server gets SIGKILL when this process dies, even by SIGKILL (no orphaned server). */
const SETPRIV = '/usr/bin/setpriv';

function spawnServer(binary: string, configFile: string, dataPath: string): ChildProcess {
  const log = openSync(path.join(dataPath, 'server.log'), 'a', 0o600);
  try {
    // A clean environment: no VAULT_* of the operator's shell reaches the server.
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dataPath };
    const args = ['server', `-config=${configFile}`];
    const [command, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'KILL', binary, ...args]] : [binary, args];
    // Relative paths in a shipped config (e.g. ./data/openbao) are meant from the config file's directory.
    return spawn(command, argv, { env, stdio: ['ignore', log, log], cwd: path.dirname(configFile) });
  } finally {
    closeSync(log);
  }
}

function stopper(child: ChildProcess, onExit: () => void): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    }).finally(onExit);
    return stopping;
  };
}

/**
 * A server that already runs on the bootstrap storage (e.g. started by `make
 * start`) and a config naming no credential: the run uses the root token of
 * `<data_path>/init.json`, as it would had it started the server itself.
 * Null when the config names a credential, or there is no readable init file.
 */
export async function bootstrapRootTokenVault(vault: VaultConfig, ctx: LocalOpenBaoContext): Promise<VaultConfig | null> {
  if (vault.bootstrap === undefined || hasAuth(vault)) return null;
  const file = initFilePath(vault.bootstrap.dataPath);
  if (!existsSync(file)) return null;
  const { rootToken } = await readInitFile(file);
  ctx.progress(`openbao: no vault token or AppRole configured; using the root token of ${file} for this run`);
  return { ...vault, token: rootToken };
}

/**
 * DESIGN 7: with multi-tenancy on and `vault.bootstrap` set, a run with no
 * OpenBAO answering at `vault.url` starts one from the configured server
 * config (file storage under `data_path`), initialises it on first start (one
 * key share; the unseal key and root token go to `<data_path>/init.json`,
 * 0600), unseals it on every start, and stops it when the run ends. The root
 * token is used for the run only when the config names no other credential.
 * Returns null when something already answers at `vault.url`.
 */
export async function startLocalOpenBaoIfNeeded(vault: VaultConfig, ctx: LocalOpenBaoContext): Promise<LocalOpenBao | null> {
  const bootstrap = vault.bootstrap;
  if (bootstrap === undefined) return null;
  if ((await probeHealth(vault.url)) !== null) return null;
  ctx.progress(`openbao: nothing answers at ${vault.url}; starting a local server (vault.bootstrap)`);
  let child: ChildProcess | null = null;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  try {
    mkdirSync(bootstrap.dataPath, { recursive: true, mode: 0o700 });
    if (await ensureServerConfigFile(bootstrap.configFile, vault.url, bootstrap.dataPath)) {
      ctx.progress(`openbao: wrote a minimal server config to ${bootstrap.configFile} (file storage in ${bootstrap.dataPath})`);
    }
    const binary = await resolveBaoBinary(ctx.env, ctx.cwd);
    child = spawnServer(binary, bootstrap.configFile, bootstrap.dataPath);
    process.once('exit', killOnExit);
    const running = child;
    const health = await waitForHealth(vault.url, running, () => true, 'answered');
    ctx.progress(`openbao: server started (pid ${running.pid ?? '?'}, config ${bootstrap.configFile}, log ${path.join(bootstrap.dataPath, 'server.log')})`);
    const initFile = initFilePath(bootstrap.dataPath);
    let keys;
    if (!health.initialized) {
      if (existsSync(initFile)) throw new Error(`${initFile} exists but the storage is not initialised; move it away or point data_path at that storage`);
      keys = await initialize(vault.url);
      await writeInitFile(initFile, keys);
      ctx.progress(`openbao: initialised (1 key share); unseal key and root token written to ${initFile} (0600)`);
    } else {
      keys = await readInitFile(initFile);
    }
    await unseal(vault.url, keys.unsealKey);
    await waitForHealth(vault.url, running, (h) => h.initialized && !h.sealed, 'unsealed');
    ctx.progress('openbao: unsealed');
    const stop = stopper(running, () => {
      process.removeListener('exit', killOnExit);
      ctx.progress('openbao: local server stopped');
    });
    return { vault: hasAuth(vault) ? vault : { ...vault, token: keys.rootToken }, stop };
  } catch (err) {
    if (child !== null) await stopper(child, () => process.removeListener('exit', killOnExit))();
    throw bootstrapError(errorMessage(err), err);
  }
}
