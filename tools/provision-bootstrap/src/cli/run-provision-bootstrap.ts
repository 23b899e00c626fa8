import path from 'node:path';
import { ConfigError } from '@sysmanage/config';
import {
  ensureLocalOpenBao,
  LocalOpenBaoError,
  OpenBaoClient,
  OpenBaoError,
  OpenBaoErrorCode,
} from '@sysmanage/openbao';
import {
  BootstrapError,
  BootstrapErrorCode,
  bootstrapDatabaseServer,
  bootstrapOpenBao,
  type OpenBaoBootstrapResult,
  type ServerBootstrapResult,
  writePrivateFile,
} from '@sysmanage/tenancy';
import { chooseAdmin } from './admin-candidates';
import { type BootstrapPlan, resolvePlan, TOKEN_REQUIRED } from './bootstrap-plan';
import { parseCliFlags } from './cli-flags';
import { ProvisionBootstrapExit, type ProvisionBootstrapIo, UsageError } from './cli-io';
import { registerServer } from './register-server';
import { USAGE } from './usage';

type Say = (line: string) => void;

function reportOpenBao(say: Say, plan: BootstrapPlan, result: OpenBaoBootstrapResult, cwd: string): void {
  say(
    `openbao: ${plan.baoAddr}: database engine at ${result.databaseMount}/ (lease TTL 15m, max 24h), kv v2 at ${result.kvMount}/, approle at auth/${result.appRoleMount}/`,
  );
  say(`openbao: policies written: ${result.staticPolicies.join(', ')}`);
  if (result.createdTenantPolicies.length > 0)
    say(`openbao: generated policies created empty: ${result.createdTenantPolicies.join(', ')}`);
  for (const service of result.services) {
    const files = `${path.relative(cwd, service.roleIdFile)}, ${path.relative(cwd, service.secretIdFile)}`;
    say(
      `openbao: approle ${service.appRole} (policies ${service.tokenPolicies.join(', ')}): ${files} (${service.secretIdWritten ? 'new secret id' : 'secret id kept'})`,
    );
  }
}

function reportServer(say: Say, result: ServerBootstrapResult): void {
  const what = {
    applied: 'created/updated',
    'already-applied': 'already in place (nothing to apply)',
    sql: 'NOT created yet: the SQL must be applied',
  }[result.outcome];
  say(`server ${result.server}: roles ${result.provisionerRole}, ${result.openBaoRole} ${what}`);
  say(
    `server ${result.server}: provisioner credentials at ${result.credentialsPath}; OpenBAO connection ${result.connectionPath}${result.rootRotated ? ' (password rotated, only OpenBAO knows it)' : ''}`,
  );
  say(
    `server ${result.server}: CONNECT ${result.outcome === 'sql' ? 'to be revoked' : 'revoked'} from PUBLIC on ${result.restrictedDatabases.join(', ')}`,
  );
  if (result.publicDatabases.length > 0) {
    say(
      `server ${result.server}: WARNING: any login, tenant credentials included, may still connect to ${result.publicDatabases.join(', ')} (REVOKE CONNECT ... FROM PUBLIC if that is not intended)`,
    );
  }
}

/** The database server part: falls back to the SQL file when no admin can connect or has the rights. */
async function bootstrapServer(
  say: Say,
  plan: BootstrapPlan,
  openBao: OpenBaoClient,
): Promise<ServerBootstrapResult> {
  const options = {
    server: plan.server,
    openBao,
    kvMount: plan.kvMount,
    databaseMount: plan.databaseMount,
    registryDatabases: plan.registryDatabases,
  };
  say(`server ${plan.server.name}: ${plan.server.host}:${plan.server.port}`);
  if (plan.adminCandidates.length === 0)
    return bootstrapDatabaseServer({ ...options, admin: null, mode: 'sql' });
  const choice = await chooseAdmin(plan.adminCandidates);
  for (const note of choice.notes) say(`server ${plan.server.name}: admin ${note}`);
  if (choice.chosen === null) {
    say(`server ${plan.server.name}: no admin connection worked; writing the SQL for an operator instead`);
    return bootstrapDatabaseServer({ ...options, admin: null });
  }
  say(`server ${plan.server.name}: admin ${choice.chosen.label} (${choice.rights ?? '?'})`);
  try {
    return await bootstrapDatabaseServer({ ...options, admin: choice.chosen.config });
  } catch (err) {
    if (!(err instanceof BootstrapError) || err.code !== BootstrapErrorCode.ADMIN_UNAVAILABLE) throw err;
    say(`server ${plan.server.name}: ${err.message}; writing the SQL for an operator instead`);
    return bootstrapDatabaseServer({ ...options, admin: null });
  }
}

/** Where the stack keeps pids: `make stop` stops a server this run left running. */
export const OPENBAO_PID_FILE = 'data/run/openbao.pid';

/**
 * With vault.bootstrap configured, makes sure its server runs (started when
 * nothing answers, then LEFT RUNNING: `make start` and the services need it
 * next). The token: the one given, else the server's init file root token.
 */
async function operatorToken(
  say: Say,
  plan: BootstrapPlan,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  if (plan.localBao === null) return plan.baoToken ?? '';
  const pidFile = path.join(cwd, OPENBAO_PID_FILE);
  const local = await ensureLocalOpenBao(plan.localBao, { log: say, env, cwd, detached: true, pidFile });
  if (local.startedByUs)
    say(
      `openbao: left running for the services (pid ${local.pid ?? '?'}, ${OPENBAO_PID_FILE}); \`make stop\` stops it`,
    );
  const token = plan.baoToken ?? local.rootToken;
  if (token === null) throw new UsageError(`${TOKEN_REQUIRED} (${local.initFile} does not exist)`);
  if (plan.baoToken === null)
    say(`openbao: no token given; using the root token of ${path.relative(cwd, local.initFile)}`);
  return token;
}

async function run(argv: readonly string[], io: ProvisionBootstrapIo): Promise<ProvisionBootstrapExit> {
  const flags = parseCliFlags(argv);
  if (flags.on('help')) {
    io.stdout.write(USAGE);
    return ProvisionBootstrapExit.OK;
  }
  const cwd = io.cwd ?? process.cwd();
  const plan = resolvePlan(flags, { cwd, env: io.env ?? process.env });
  const say: Say = (line) => io.stdout.write(`${line}\n`);
  const openBao = new OpenBaoClient({
    url: plan.baoAddr,
    token: await operatorToken(say, plan, cwd, io.env ?? process.env),
  });

  reportOpenBao(
    say,
    plan,
    await bootstrapOpenBao({
      openBao,
      databaseMount: plan.databaseMount,
      kvMount: plan.kvMount,
      outDir: plan.outDir,
    }),
    cwd,
  );
  const server = await bootstrapServer(say, plan, openBao);
  reportServer(say, server);
  if (server.sql !== null) {
    writePrivateFile(plan.sqlOut, server.sql);
    say(`server ${server.server}: ${server.sqlReason ?? 'SQL needed'}`);
    say(
      `server ${server.server}: SQL written to ${path.relative(cwd, plan.sqlOut)} (0600). Apply it as a PostgreSQL superuser, e.g.`,
    );
    say(`  sudo -u postgres psql -v ON_ERROR_STOP=1 -d postgres -f ${plan.sqlOut}`);
    say('then run provision-bootstrap again.');
  }
  if (plan.register !== null) {
    const registered = await registerServer(plan.config.registry, plan.server, plan.register);
    const { region, jurisdiction, capacity } = plan.register;
    if (registered.inserted)
      say(
        `registry: server ${plan.server.name} registered (region ${region}, jurisdiction ${jurisdiction}, capacity ${capacity})`,
      );
    else
      say(
        `registry: server ${plan.server.name} already registered${registered.differs ? ` WITH A DIFFERENT host/port than ${plan.server.host}:${plan.server.port}; left unchanged` : ''}`,
      );
  }
  say(
    `services: set vault.approle.role_id from ${path.relative(cwd, plan.outDir)}/<service>.role-id and vault.approle.secret_id_file to ${path.relative(cwd, plan.outDir)}/<service>.secret-id`,
  );
  return server.outcome === 'sql' ? ProvisionBootstrapExit.SQL_PENDING : ProvisionBootstrapExit.OK;
}

/** Known failures print one line without a stack; programming errors propagate. */
function failure(err: unknown): string | null {
  if (err instanceof BootstrapError) return `BootstrapError ${err.code}: ${err.message}`;
  if (err instanceof OpenBaoError && err.code === OpenBaoErrorCode.UNREACHABLE) {
    return `OpenBaoError ${err.code}: ${err.message} (is OpenBAO running? with vault.bootstrap in the config, provision-bootstrap starts it unless --bao-addr points elsewhere; else start it, or pass --bao-addr)`;
  }
  if (err instanceof LocalOpenBaoError) return `LocalOpenBaoError ${err.code}: ${err.message}`;
  if (err instanceof OpenBaoError) return `OpenBaoError ${err.code}: ${err.message}`;
  if (err instanceof ConfigError) return `ConfigError ${err.code}: ${err.message}`;
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && typeof code === 'string') return `${code}: ${err.message}`;
  return null;
}

/**
 * `make provision-bootstrap ARGS=...`: OpenBAO policies/AppRoles and one
 * database server's roles. Returns the exit status (see ProvisionBootstrapExit).
 * Tokens and passwords are never printed.
 */
export async function runProvisionBootstrapCli(
  argv: readonly string[],
  io: ProvisionBootstrapIo,
): Promise<number> {
  try {
    return await run(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`provision-bootstrap: ${err.message}\n\n${USAGE}`);
      return ProvisionBootstrapExit.USAGE;
    }
    const message = failure(err);
    if (message === null) throw err;
    io.stderr.write(`provision-bootstrap: ${message}\n`);
    return ProvisionBootstrapExit.FAILED;
  }
}
