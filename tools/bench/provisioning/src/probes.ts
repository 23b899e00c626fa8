import { createChainDataSource } from '@sysmanage/schema';
import { execFile } from 'node:child_process';
import { Client } from 'pg';
import type { BenchStack } from './bench-stack';
import { reapedChildrenCpuSeconds } from './process-cpu';
import { summarize, type Summary } from './stats';

const ROUNDS = 8;
const PROBE_TENANT = 't001';
const SCRATCH_DB = 'bench_probe_scratch';

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { seconds: (performance.now() - started) / 1000, value };
}

/** Wall seconds of `node <args>` (Node's start and module loading; nothing else to do). */
async function nodeRun(args: string[]): Promise<number> {
  return (
    await timed(
      () =>
        new Promise<void>((resolve, reject) =>
          execFile(process.execPath, args, (error) => (error ? reject(error) : resolve())),
        ),
    )
  ).seconds;
}

/**
 * The pieces the slow steps are made of, timed one by one on the same stack:
 * an owner lease from OpenBAO (it creates a PostgreSQL login), a scram login
 * with it, its revocation (terminate + DROP ROLE), eight leases at once
 * (OpenBAO serialises creation per connection), CREATE DATABASE, and the
 * tenant chain on an empty database; and the floor of every CLI run: Node
 * starting and loading the migrator (`--help`) next to an empty `node -e 0`.
 */
export async function runProbes(
  stack: BenchStack,
  migratorMain: string,
): Promise<Record<string, Summary | number>> {
  const nodeEmpty: number[] = [];
  const migratorHelp: number[] = [];
  const migratorHelpCpu: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    nodeEmpty.push(await nodeRun(['-e', '0']));
    const cpuBefore = reapedChildrenCpuSeconds();
    migratorHelp.push(await nodeRun([migratorMain, '--help']));
    migratorHelpCpu.push(reapedChildrenCpuSeconds() - cpuBefore);
  }
  const bao = await stack.migratorOpenBao();
  const role = `tenant-${PROBE_TENANT}-owner`;
  const lease: number[] = [];
  const login: number[] = [];
  const revoke: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i += 1) {
      const cred = await timed(() => bao.generateCredentials('database', role));
      lease.push(cred.seconds);
      login.push(
        (
          await timed(async () => {
            const client = new Client({
              host: stack.pg.host,
              port: stack.pg.port,
              database: `tenant_${PROBE_TENANT}`,
              user: cred.value.username,
              password: cred.value.password,
            });
            await client.connect();
            await client.query('SELECT 1');
            await client.end();
          })
        ).seconds,
      );
      revoke.push((await timed(() => bao.revokeLease(cred.value.leaseId))).seconds);
    }
    const together = await timed(() =>
      Promise.all(Array.from({ length: 8 }, () => bao.generateCredentials('database', role))),
    );
    const revokeTogether = await timed(() =>
      Promise.all(together.value.map((c) => bao.revokeLease(c.leaseId))),
    );

    const createDb = await timed(() => stack.pg.query(`CREATE DATABASE "${SCRATCH_DB}"`));
    const chain = await timed(async () => {
      const ds = createChainDataSource('tenant', stack.pg.clientConfig(SCRATCH_DB));
      await ds.initialize();
      try {
        await ds.runMigrations({ transaction: 'each' });
      } finally {
        await ds.destroy();
      }
    });
    await stack.pg.query(`DROP DATABASE "${SCRATCH_DB}" WITH (FORCE)`);
    return {
      nodeEmptyStartSeconds: summarize(nodeEmpty),
      migratorCliHelpSeconds: summarize(migratorHelp),
      migratorCliHelpCpuSeconds: summarize(migratorHelpCpu),
      ownerLeaseSeconds: summarize(lease),
      scramLoginSeconds: summarize(login),
      revokeLeaseSeconds: summarize(revoke),
      eightLeasesAtOnceSeconds: Math.round(together.seconds * 1000) / 1000,
      eightRevokesAtOnceSeconds: Math.round(revokeTogether.seconds * 1000) / 1000,
      createDatabaseSeconds: Math.round(createDb.seconds * 1000) / 1000,
      tenantChainOnEmptyDatabaseSeconds: Math.round(chain.seconds * 1000) / 1000,
    };
  } finally {
    bao.close();
  }
}
