import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serviceEnv } from '@sysmanage/testing';

export const WORKSPACE = resolve(__dirname, '../../..');

/** The four services a multi-tenant deployment runs. */
export const STACK_SERVICES = ['registry', 'provisioner', 'migrator', 'ingest'] as const;
export type StackService = (typeof STACK_SERVICES)[number];

const PROGRAM_ROOTS = {
  registry: 'apps/registry',
  provisioner: 'apps/provisioner',
  migrator: 'apps/migrator',
  ingest: 'apps/ingest',
  'provision-bootstrap': 'tools/provision-bootstrap',
  license: 'tools/license',
} as const;
export type BuiltProgram = keyof typeof PROGRAM_ROOTS;

/** `dist/<root>/src/main.js` of a built program. */
export function builtMain(program: BuiltProgram): string {
  return join(WORKSPACE, 'dist', PROGRAM_ROOTS[program], 'src', 'main.js');
}

/**
 * Builds every program the stack runs (Nx caches: an unchanged tree costs a
 * few seconds), so the tests always run the code of the working tree, the way
 * tools/run-app.mjs does before it starts a program.
 */
export function buildPrograms(): void {
  execFileSync(
    join(WORKSPACE, 'node_modules', '.bin', 'nx'),
    ['run-many', '-t', 'build', '-p', Object.keys(PROGRAM_ROOTS).join(','), '--output-style=static'],
    {
      cwd: WORKSPACE,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
      stdio: 'pipe',
      timeout: 300_000,
    },
  );
  for (const program of Object.keys(PROGRAM_ROOTS) as BuiltProgram[]) {
    if (!existsSync(builtMain(program))) throw new Error(`the build did not produce ${builtMain(program)}`);
  }
}

export interface ProgramRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a built program to its end with captured output (a CLI: sysmanage-migrate, provision-bootstrap). */
export function runProgram(
  program: BuiltProgram,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ProgramRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--enable-source-maps', builtMain(program), ...args], {
      cwd: WORKSPACE,
      env: serviceEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(
        new Error(`${program} ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stdout}${stderr}`),
      );
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal === null ? 1 : 128), stdout, stderr });
    });
  });
}
