export type YamlTree = Record<string, unknown>;

function isTree(value: unknown): value is YamlTree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `overrides` merged into `base` (neither is modified): nested maps merge,
 * anything else replaces, and null deletes the key, so a test can remove a
 * block the helper wrote (e.g. `{ vault: null }`).
 */
export function deepMerge(base: YamlTree, overrides: YamlTree): YamlTree {
  const merged: YamlTree = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) {
      delete merged[key];
    } else {
      const current = merged[key];
      merged[key] = isTree(current) && isTree(value) ? deepMerge(current, value) : value;
    }
  }
  return merged;
}
