import { ConfigError, ConfigErrorCode } from './config-error';
import { ALL_KEY_SPECS, OWN_BLOCKS, SYSMANAGE_OWN_KEYS, envVarName } from './config-keys';
import { describeValue, isMapping } from './describe-value';

const LEAF_KEYS = new Set(ALL_KEY_SPECS.map((s) => s.key));
/** Every dotted prefix that holds keys: `registry`, `vault.approle`, `api.ingest`, ... */
const GROUP_KEYS = new Set(
  ALL_KEY_SPECS.flatMap((s) => {
    const parts = s.key.split('.');
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'));
  }),
);
const IGNORED_KEYS = new Set(SYSMANAGE_OWN_KEYS);
const KNOWN_ENV = new Set(ALL_KEY_SPECS.map((s) => envVarName(s.key)));

export const DEPRECATED_DATABASE_WARNING = 'database: is deprecated, rename it to registry:';

function childrenOf(group: string): string[] {
  const prefix = `${group}.`;
  const names = [...LEAF_KEYS, ...GROUP_KEYS]
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length).split('.')[0]);
  return [...new Set(names)];
}

function expectMapping(
  written: string,
  value: unknown,
): asserts value is Record<string, unknown> | null | undefined {
  if (value !== null && value !== undefined && !isMapping(value)) {
    throw new ConfigError(
      ConfigErrorCode.INVALID_VALUE,
      written,
      `${written}: expected a mapping of keys, got ${describeValue(value)}`,
    );
  }
}

/** `written` is the path as the file spells it (database.*), `group` the canonical one (registry.*). */
function checkGroup(written: string, group: string, node: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(node)) {
    const key = `${group}.${name}`;
    const writtenKey = `${written}.${name}`;
    if (LEAF_KEYS.has(key) || IGNORED_KEYS.has(key)) continue;
    if (!GROUP_KEYS.has(key)) {
      throw new ConfigError(
        ConfigErrorCode.UNKNOWN_KEY,
        writtenKey,
        `${writtenKey}: unknown key; the keys allowed in ${written} are ${childrenOf(group).join(', ')}`,
      );
    }
    expectMapping(writtenKey, value);
    if (value) checkGroup(writtenKey, key, value);
  }
}

/**
 * Checks the shape of this project's blocks (other blocks belong to SysManage
 * and are left alone) and renames the deprecated `database:` block.
 */
export function normalizeDocument(doc: Record<string, unknown>, warnings: string[]): Record<string, unknown> {
  const result = { ...doc };
  if ('database' in doc) {
    if ('registry' in doc) {
      throw new ConfigError(
        ConfigErrorCode.INVALID_VALUE,
        'database',
        'database: and registry: are both present; database: is the deprecated name of registry:, keep only registry:',
      );
    }
    warnings.push(DEPRECATED_DATABASE_WARNING);
    result.registry = doc.database;
    delete result.database;
  }
  for (const block of OWN_BLOCKS) {
    const written = block === 'registry' && 'database' in doc ? 'database' : block;
    const value = result[block];
    expectMapping(written, value);
    if (value) checkGroup(written, block, value);
  }
  return result;
}

/** Environment variables in this project's namespaces that match no key: almost always typos. */
export function unknownEnvWarnings(env: Record<string, string | undefined>): string[] {
  const prefixes = OWN_BLOCKS.map((b) => `SYSMANAGE_${b.toUpperCase()}_`);
  return Object.keys(env)
    .filter((name) => prefixes.some((p) => name.startsWith(p)) && !KNOWN_ENV.has(name))
    .sort()
    .map((name) => `${name} matches no configuration key and is ignored (see docs/configuration.md)`);
}
