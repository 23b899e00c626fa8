import { CONFIG_KEYS, type ConfigKeyInfo } from './config-key-list';
import { DEFAULT_API_PORTS, OWN_BLOCKS, SYSMANAGE_OWN_KEYS } from './config-keys';
import { ConfigErrorCode } from './config-error';
import { DEV_CONFIG, EXAMPLE_CONFIG, SYSTEM_CONFIG } from './config-file';

const INTRO = `# Configuration

<!-- Generated from CONFIG_KEYS (libs/config/src/config-keys.ts) by \`npx nx run config:docs\`.
     Do not edit by hand: the config unit tests fail when this file is stale. -->

Every SysManage Multi-Tenancy process (registry, provisioner, ingest, migrator)
reads one YAML file, compatible with SysManage's own configuration file, and
builds one validated configuration object from it at start. A bad or missing
value stops the process before it does anything, with a message naming the key
and what was expected, for example:

    ConfigError: registry.port: expected an integer 1-65535, got "abc"

## Which file

1. \`--config PATH\` (or \`--config=PATH\`) on the command line;
2. else the environment variable \`SYSMANAGE_CONFIG\`;
3. else \`./${DEV_CONFIG}\` in the working directory;
4. else \`${SYSTEM_CONFIG}\`.

A path given by 1 or 2 must exist: nothing else is searched. When no file is
found the process stops with \`NOT_FOUND\` and lists the paths it tried; start
from \`${EXAMPLE_CONFIG}\`.

## Rules

- **Environment overrides.** Every key has an environment variable
  \`SYSMANAGE_<BLOCK>_<KEY>\` (nested keys join with \`_\`:
  \`SYSMANAGE_VAULT_APPROLE_ROLE_ID\`, \`SYSMANAGE_API_REGISTRY_PORT\`). The
  environment wins over the file. Its strings pass the same validation: booleans
  are \`true/false\`, \`yes/no\` or \`1/0\`; lists are comma-separated.
  A variable in these namespaces that matches no key is reported as a warning.
- **Empty means unset**, in the file and in the environment (\`token: ""\`,
  \`SYSMANAGE_REGISTRY_PASSWORD=\`), so the default or the file value applies.
- **Relative paths** resolve against the directory of the configuration file,
  also when they come from the environment.
- **No secret has a default** (passwords, tokens). An unset database password
  means passwordless authentication (trust, peer or certificate).
- **Blocks.** This project reads ${OWN_BLOCKS.map((b) => `\`${b}:\``).join(', ')}.
  Every other top-level block belongs to SysManage and is ignored. Inside these
  blocks an unknown key is an error (\`UNKNOWN_KEY\`), except SysManage's own keys
  in the blocks both programs share, which are ignored:
  ${SYSMANAGE_OWN_KEYS.map((k) => `\`${k}\``).join(', ')}.
- **\`database:\`** is the deprecated name of \`registry:\`; it is accepted with the
  warning "database: is deprecated, rename it to registry:". Both at once is an error.
- **\`shared:\`** is optional. Absent (or empty), the shared partition lives in the
  registry database. Present, each key you leave out takes the registry's value,
  except the password, which is only inherited together with the user.
- **\`multitenancy:\`** The license paths default to \`./data/license.json\` and
  \`./data/license-public.pem\` next to the configuration file: where
  \`npm run license -- keygen\` and \`npm run license -- issue\` write them when run
  from that directory. They are only read when \`multitenancy.enabled\` is true,
  and then a valid license carrying tier \`MULTITENANT_SAAS\` is required
  (otherwise the process exits with a \`LicensingError\`; it never falls back to
  single-tenant mode).
- **\`vault:\`** is required when \`multitenancy.enabled\` is true, and read
  whenever \`vault.url\` is set. At most one of \`token\`, \`token_file\`, \`approle\`
  may be set; with multi-tenancy on, one of them or \`bootstrap\` must be.
- **\`api:\`** holds one \`host\`/\`port\` pair per service; ports default to
  ${Object.entries(DEFAULT_API_PORTS)
    .map(([s, p]) => `${s} ${p}`)
    .join(', ')}.

## Errors

A configuration problem makes the process exit with status 2 and print
\`ConfigError: <message>\` (and a JSON line). Codes: ${Object.values(ConfigErrorCode)
  .map((c) => `\`${c}\``)
  .join(', ')}.
`;

function formatDefault(info: ConfigKeyInfo): string {
  if (info.inheritsFrom !== null) return `value of \`${info.inheritsFrom}\``;
  if (info.default === null) return info.required === 'optional' ? 'unset' : '—';
  const text = Array.isArray(info.default) ? info.default.join(',') : String(info.default);
  return `\`${text}\``;
}

const REQUIRED_TEXT: Readonly<Record<ConfigKeyInfo['required'], string>> = {
  always: '**required**. ',
  group: '**required** with the rest of its group. ',
  multitenancy: '**required** when multi-tenancy is on. ',
  optional: '',
};

function row(info: ConfigKeyInfo): string {
  const secret = info.secret ? ' Secret: never logged, no default.' : '';
  const description = `${REQUIRED_TEXT[info.required]}${info.description}.${secret} Expected: ${info.expected}.`;
  return `| \`${info.key}\` | \`${info.env}\` | ${formatDefault(info)} | ${description.replace(/\|/g, '\\|')} |`;
}

/** docs/configuration.md, generated from CONFIG_KEYS so the two cannot drift. */
export function renderConfigurationDoc(): string {
  const sections = OWN_BLOCKS.map((block) => {
    const rows = CONFIG_KEYS.filter((k) => k.key.startsWith(`${block}.`)).map(row);
    return [
      `### \`${block}:\``,
      '',
      '| Key | Environment variable | Default | Description |',
      '| --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
  });
  return `${INTRO}\n## Keys\n\n${sections.join('\n\n')}\n`;
}
