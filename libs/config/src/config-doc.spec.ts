import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { renderConfigurationDoc } from './config-doc';
import { CONFIG_KEYS } from './config-key-list';

const DOC = path.resolve(__dirname, '../../../docs/configuration.md');

describe('CONFIG_KEYS', () => {
  it('lists every key once with its environment variable, type and description', () => {
    const keys = CONFIG_KEYS.map((k) => k.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(
      expect.arrayContaining([
        'registry.port',
        'shared.host',
        'multitenancy.license_file',
        'vault.approle.role_id',
        'api.migrator.port',
        'nats.servers',
        'logging.level',
      ]),
    );
    for (const k of CONFIG_KEYS) {
      expect(k.env).toBe(`SYSMANAGE_${k.key.replace(/\./g, '_').toUpperCase()}`);
      expect(k.description.length).toBeGreaterThan(10);
      expect(k.expected.length).toBeGreaterThan(3);
    }
    expect(CONFIG_KEYS.find((k) => k.key === 'registry.port')).toEqual({
      key: 'registry.port',
      env: 'SYSMANAGE_REGISTRY_PORT',
      type: 'integer',
      expected: 'an integer 1-65535',
      default: 5432,
      inheritsFrom: null,
      required: 'optional',
      secret: false,
      description: 'PostgreSQL port of the bootstrap/registry database',
    });
    expect(CONFIG_KEYS.find((k) => k.key === 'registry.name')).toMatchObject({
      default: null,
      required: 'always',
    });
    expect(CONFIG_KEYS.find((k) => k.key === 'shared.port')).toMatchObject({
      default: null,
      inheritsFrom: 'registry.port',
    });
  });
});

/**
 * The doc as committed: rendered, then prettier-formatted so `npm run format`
 * leaves it alone. Prettier runs in a child process because its API loads ES
 * modules, which Jest's CommonJS sandbox cannot.
 */
function expectedDoc(): string {
  const prettier = require.resolve('prettier/bin/prettier.cjs');
  return execFileSync(process.execPath, [prettier, '--stdin-filepath', DOC], {
    input: renderConfigurationDoc(),
    encoding: 'utf8',
  });
}

describe('docs/configuration.md', () => {
  it('is generated from CONFIG_KEYS and up to date (regenerate: npx nx run config:docs)', () => {
    const expected = expectedDoc();
    // `npx nx run config:docs` sets UPDATE_CONFIG_DOC=1 to rewrite the file from CONFIG_KEYS.
    if (process.env.UPDATE_CONFIG_DOC === '1') writeFileSync(DOC, expected);
    expect(readFileSync(DOC, 'utf8')).toBe(expected);
  });

  it('documents every key and its environment variable', () => {
    const doc = renderConfigurationDoc();
    for (const k of CONFIG_KEYS) expect(doc).toContain(`| \`${k.key}\` | \`${k.env}\` |`);
  });
});
