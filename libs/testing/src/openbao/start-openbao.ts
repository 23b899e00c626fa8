import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortPair } from '../free-port';
import { HarnessError, HarnessErrorCode } from '../harness-error';
import { cleanEnv } from '../process/find-binary';
import { ManagedProcess } from '../process/managed-process';
import { trackResource, type TrackedResource } from '../process/registry';
import { pollUntil } from '../wait';
import { openBaoBinary } from './openbao-binary';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;

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

class OpenBaoServer implements OpenBaoInstance {
  private proc: ManagedProcess | null = null;
  private boundPort = 0;
  private removed = false;
  readonly rootToken = `harness-${randomBytes(16).toString('hex')}`;

  constructor(
    private readonly binary: string,
    private readonly baseDir: string,
    private readonly tracked: TrackedResource,
  ) {}

  get url(): string {
    return `http://${HOST}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  get pid(): number | null {
    return this.proc?.isRunning() === true ? this.proc.pid : null;
  }

  isRunning(): boolean {
    return this.proc?.isRunning() === true;
  }

  async start(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      // Dev mode also binds the cluster listener on port + 1.
      const port = await freePortPair();
      const proc = this.spawn(port);
      const ready = await pollUntil(async () => (!proc.isRunning() || (await this.usable()) ? true : undefined), READY_TIMEOUT_MS, 50);
      if (ready === true && proc.isRunning()) return;
      const log = proc.logTail();
      await this.stopProcess();
      if (/address already in use/i.test(log) && attempt < PORT_ATTEMPTS) continue;
      if (ready === undefined) {
        throw new HarnessError(HarnessErrorCode.START_TIMEOUT, `OpenBAO not ready on ${this.url} after ${READY_TIMEOUT_MS} ms: ${log}`);
      }
      throw new HarnessError(HarnessErrorCode.START_FAILED, `OpenBAO ${proc.exitDescription()} during start on port ${port}: ${log}`);
    }
  }

  async stop(): Promise<void> {
    await this.stopProcess();
    if (!this.removed) {
      rmSync(this.baseDir, { recursive: true, force: true });
      this.removed = true;
      this.tracked.release();
    }
  }

  private spawn(port: number): ManagedProcess {
    this.boundPort = port;
    this.proc = ManagedProcess.spawn(
      {
        command: this.binary,
        args: ['server', '-dev', `-dev-root-token-id=${this.rootToken}`, `-dev-listen-address=${HOST}:${port}`, '-dev-no-store-token'],
        // No VAULT_*/BAO_* from our environment; HOME points at the temp dir so no ~/.vault-token or CLI config is read.
        env: cleanEnv({ HOME: this.baseDir }),
        cwd: this.baseDir,
        logFile: join(this.baseDir, 'server.log'),
      },
      this.tracked,
    );
    return this.proc;
  }

  /**
   * Health says initialised and unsealed; then the kv v2 mount must have
   * finished its upgrade (until then it answers 400 "Waiting for the primary
   * to upgrade"), so the first test write does not race it.
   */
  private async usable(): Promise<boolean> {
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

  private async stopProcess(): Promise<void> {
    if (this.proc === null) return;
    await this.proc.stop('SIGTERM', STOP_GRACE_MS);
    this.proc = null;
    this.tracked.clearProcess();
  }
}

/** Starts an OpenBAO dev server on a free port (and its cluster port + 1) with a random root token. */
export async function startOpenBao(): Promise<OpenBaoInstance> {
  const binary = await openBaoBinary();
  const baseDir = mkdtempSync(join(tmpdir(), 'sysmanage-openbao-'));
  const tracked = trackResource('openbao', [baseDir]);
  const server = new OpenBaoServer(binary, baseDir, tracked);
  try {
    await server.start();
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}
