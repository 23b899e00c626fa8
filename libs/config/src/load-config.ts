import { buildConfig, type BuildConfigOptions } from './build-config';
import { locateConfigFile, readConfigFile, SYSTEM_CONFIG } from './config-file';
import { ConfigReader } from './config-reader';
import { normalizeDocument, unknownEnvWarnings } from './config-structure';
import type { SysManageConfig } from './config.types';

export interface LoadConfigOptions {
  /** Command-line arguments searched for `--config PATH`; default process.argv. */
  argv?: string[];
  /** Environment (SYSMANAGE_CONFIG and the SYSMANAGE_<BLOCK>_<KEY> overrides); default process.env. */
  env?: Record<string, string | undefined>;
  /** Directory ./sysmanage-dev.yaml and relative explicit paths are resolved against; default process.cwd(). */
  cwd?: string;
  /** An explicit file, taking precedence over --config and SYSMANAGE_CONFIG. */
  path?: string;
  /** The system-wide fallback; default /etc/sysmanage.yaml (tests point it elsewhere). */
  systemPath?: string;
  /** See BuildConfigOptions: `optional` only for a program that brings its own OpenBAO credential. */
  vaultCredential?: BuildConfigOptions['vaultCredential'];
}

export interface LoadedConfig {
  config: SysManageConfig;
  /** Things the operator should fix but that do not stop the process (deprecated keys, ignored variables). */
  warnings: string[];
}

/**
 * Finds, parses and validates the configuration, environment overriding the
 * file. Throws ConfigError (see its code) on the first problem.
 */
export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const file = locateConfigFile({
    argv: opts.argv ?? process.argv,
    env,
    cwd: opts.cwd ?? process.cwd(),
    ...(opts.path === undefined ? {} : { path: opts.path }),
    systemPath: opts.systemPath ?? SYSTEM_CONFIG,
  });
  const { doc, warnings } = readConfigFile(file);
  const normalized = normalizeDocument(doc, warnings);
  const config = buildConfig(
    new ConfigReader(normalized, env, file),
    warnings,
    opts.vaultCredential === undefined ? {} : { vaultCredential: opts.vaultCredential },
  );
  warnings.push(...unknownEnvWarnings(env));
  return { config, warnings };
}
