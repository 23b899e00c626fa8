import { ALL_KEY_SPECS, envVarName, type ConfigKeyRequirement } from './config-keys';

export type ConfigDefault = string | number | boolean | readonly string[] | null;

/** One configuration key, as documented (docs/configuration.md is generated from these). */
export interface ConfigKeyInfo {
  /** Dotted YAML key, `registry.port`. */
  readonly key: string;
  /** Its environment override, `SYSMANAGE_REGISTRY_PORT`. */
  readonly env: string;
  /** string | path | integer | boolean | enum | url | url-list */
  readonly type: string;
  /** What a valid value looks like, as error messages say it. */
  readonly expected: string;
  /** null when there is none (always so for secrets). */
  readonly default: ConfigDefault;
  /** The key whose value is taken when this one is unset, if any. */
  readonly inheritsFrom: string | null;
  readonly required: ConfigKeyRequirement;
  readonly secret: boolean;
  readonly description: string;
}

export const CONFIG_KEYS: readonly ConfigKeyInfo[] = ALL_KEY_SPECS.map((spec) => ({
  key: spec.key,
  env: envVarName(spec.key),
  type: spec.type.name,
  expected: spec.type.expected,
  default: spec.default === undefined ? null : (spec.default as ConfigDefault),
  inheritsFrom: spec.inheritsFrom ?? null,
  required: spec.required,
  secret: spec.secret === true,
  description: spec.description,
}));
