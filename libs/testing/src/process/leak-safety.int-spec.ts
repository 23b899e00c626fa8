import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapStaleHarnessProcesses } from '../index';
import { sleep } from '../wait';
import { processStartTime } from './proc-info';
import { harnessRoot } from './registry';

interface ChildReport {
  pgPid: number;
  natsPid: number;
  dirs: string[];
}

function startChild(): Promise<{ child: ChildProcess; report: ChildReport }> {
  const child = spawn(process.execPath, [join(__dirname, '..', '__fixtures__', 'harness-child.cjs')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve({ child, report: JSON.parse(stdout) as ChildReport });
    });
    child.once('exit', (code) => reject(new Error(`harness child exited with ${String(code)}: ${stderr}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (processStartTime(pid) === null) return true;
    await sleep(20);
  }
  return processStartTime(pid) === null;
}

describe('leak safety', () => {
  it('SIGTERM to the test process kills its servers and removes their dirs at once', async () => {
    const { child, report } = await startChild();
    expect(processStartTime(report.pgPid)).not.toBeNull();
    report.dirs.forEach((dir) => expect(existsSync(dir)).toBe(true));

    child.kill('SIGTERM');
    await exited(child);

    expect(child.signalCode).toBe('SIGTERM');
    expect(await gone(report.pgPid, 1_000)).toBe(true);
    expect(await gone(report.natsPid, 1_000)).toBe(true);
    report.dirs.forEach((dir) => expect(existsSync(dir)).toBe(false));
  });

  it('SIGKILL to the test process: the servers die with it and the next run reaps the dirs', async () => {
    const { child, report } = await startChild();
    child.kill('SIGKILL');
    await exited(child);

    // PR_SET_PDEATHSIG: no handler ran, the kernel killed the servers.
    expect(await gone(report.pgPid, 2_000)).toBe(true);
    expect(await gone(report.natsPid, 2_000)).toBe(true);
    report.dirs.forEach((dir) => expect(existsSync(dir)).toBe(true));

    const reaped = reapStaleHarnessProcesses();
    expect(reaped.runs).toBeGreaterThanOrEqual(1);
    expect(reaped.removedDirs).toBeGreaterThanOrEqual(2);
    report.dirs.forEach((dir) => expect(existsSync(dir)).toBe(false));
  });

  it('reaps a live process and dir recorded by a run whose owner is dead', async () => {
    const deadOwner = spawn('true');
    await exited(deadOwner);
    const orphan = spawn('sleep', ['60'], { stdio: 'ignore' });
    const dir = mkdtempSync(join(tmpdir(), 'sysmanage-reap-'));
    const runDir = join(harnessRoot(), 'runs', `${deadOwner.pid!}-1`);
    mkdirSync(runDir, { recursive: true });
    const pid = orphan.pid!;
    writeFileSync(
      join(runDir, 'orphan.json'),
      JSON.stringify({ label: 'orphan', pid, pidStartTime: processStartTime(pid), dirs: [dir] }),
    );

    const reaped = reapStaleHarnessProcesses();

    expect(reaped.killed).toBeGreaterThanOrEqual(1);
    await exited(orphan);
    expect(orphan.signalCode).toBe('SIGKILL');
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(runDir)).toBe(false);
  });
});
