import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortPair } from '../free-port';
import { cleanEnv } from '../process/find-binary';
import { ManagedProcess } from '../process/managed-process';
import { trackResource, type TrackedResource } from '../process/registry';
import { ServerProcess, startOrCleanUp } from '../process/server-process';
import { openBaoBinary } from './openbao-binary';

const HOST = '127.0.0.1';

/** An OpenBAO (Vault-compatible) dev-mode server: in memory, unsealed, kv v2 at `secret/`. */
export interface OpenBaoInstance {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Root token of this instance only. */
  readonly rootToken: string;
  readonly pid: number | null;
  isRunning(): boolean;
  /** Stops the server (all its state is in memory) and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

class OpenBaoServer extends ServerProcess implements OpenBaoInstance {
  /** Dev mode refuses ids with dots or the s./hvs. prefixes of generated tokens. */
  readonly rootToken = `harness-${randomBytes(16).toString('hex')}`;

  constructor(
    private readonly binary: string,
    baseDir: string,
    tracked: TrackedResource,
  ) {
    super('OpenBAO', baseDir, tracked, 'SIGTERM', 5_000);
  }

  get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  start(): Promise<void> {
    // Dev mode also binds the cluster listener on port + 1.
    return this.launch({ port: () => freePortPair(), attempts: 3, readyTimeoutMs: 20_000, pollMs: 50 });
  }

  protected spawnOn(port: number): ManagedProcess {
    return ManagedProcess.spawn(
      {
        command: this.binary,
        args: [
          'server',
          '-dev',
          `-dev-root-token-id=${this.rootToken}`,
          `-dev-listen-address=${HOST}:${port}`,
          '-dev-no-store-token',
        ],
        // No VAULT_*/BAO_* from our environment; HOME is the temp dir so no ~/.vault-token or CLI config is read.
        env: cleanEnv({ HOME: this.baseDir }),
        cwd: this.baseDir,
        logFile: join(this.baseDir, 'server.log'),
      },
      this.tracked,
    );
  }

  /**
   * Health says initialised and unsealed; then the kv v2 mount must have
   * finished its upgrade (until then it answers 400 "Waiting for the primary
   * to upgrade"), so a test's first write does not race it.
   */
  protected async ready(): Promise<boolean> {
    try {
      const health = await fetch(`${this.url}/v1/sys/health`, { signal: AbortSignal.timeout(1_000) });
      if (health.status !== 200) return false;
      const body = (await health.json()) as { initialized?: unknown; sealed?: unknown };
      if (body.initialized !== true || body.sealed !== false) return false;
      const probe = await fetch(`${this.url}/v1/secret/data/sysmanage-harness-probe`, {
        headers: { 'X-Vault-Token': this.rootToken },
        signal: AbortSignal.timeout(1_000),
      });
      await probe.arrayBuffer();
      return probe.status === 404;
    } catch {
      return false;
    }
  }
}

/** Starts an OpenBAO dev server on a free port (and its cluster port + 1) with a random root token. */
export async function startOpenBao(): Promise<OpenBaoInstance> {
  const binary = await openBaoBinary();
  const baseDir = mkdtempSync(join(tmpdir(), 'sysmanage-openbao-'));
  return startOrCleanUp(new OpenBaoServer(binary, baseDir, trackResource('openbao', [baseDir])), (server) =>
    server.start(),
  );
}
