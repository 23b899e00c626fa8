import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type LoadConfigOptions, type LoadedConfig } from '../load-config';
import { ConfigError } from '../config-error';

/** The smallest valid file: everything else has a default. */
export const MINIMAL_YAML = 'registry:\n  name: sysmanage_registry\n  user: sysmanage\n';

/** A fresh directory holding `sysmanage.yaml` with `yaml`; returns the file path. */
export function writeConfig(yaml: string, name = 'sysmanage.yaml'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysmanage-config-'));
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

/** Loads `yaml` isolated from the real process: no argv, only the given env, no /etc fallback. */
export function load(
  yaml: string,
  env: Record<string, string> = {},
  options: Pick<LoadConfigOptions, 'vaultCredential'> = {},
): LoadedConfig {
  const file = writeConfig(yaml);
  return loadConfig({
    path: file,
    env,
    argv: [],
    cwd: path.dirname(file),
    systemPath: '/nonexistent/sysmanage.yaml',
    ...options,
  });
}

/** The ConfigError `fn` throws; fails the test when it throws something else or nothing. */
export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
