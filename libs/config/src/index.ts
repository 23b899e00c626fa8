export * from './config.types';
export { ConfigError, ConfigErrorCode } from './config-error';
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './load-config';
export { CONFIG_KEYS, type ConfigKeyInfo, type ConfigDefault } from './config-key-list';
export { envVarName, SERVICE_NAMES, DEFAULT_API_PORTS, type ConfigKeyRequirement } from './config-keys';
export { renderConfigurationDoc } from './config-doc';
