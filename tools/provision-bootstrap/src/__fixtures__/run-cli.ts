import { runProvisionBootstrapCli } from '../main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with captured output. */
export async function runCli(
  argv: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runProvisionBootstrapCli(argv, {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    cwd,
    env,
  });
  return { code, out, err };
}
