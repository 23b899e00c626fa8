import { type INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ControlPlaneHarness, CP, OPERATOR_KEY } from '../../__fixtures__/control-plane-harness';

jest.setTimeout(90_000);

interface Route {
  method: string;
  path: string;
}

/** Every route Nest registered, read from the controllers' metadata in the module container. */
function routeTable(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const controller of module.controllers.keys()) {
      if (typeof controller !== 'function') continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const proto: Record<string, unknown> = controller.prototype;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path: unknown = Reflect.getMetadata(PATH_METADATA, handler);
        const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
        if (typeof path !== 'string' || typeof method !== 'number') continue;
        const joined = `/${[prefix, path].filter((p) => p !== '' && p !== '/').join('/')}`;
        routes.push({ method: RequestMethod[method], path: joined });
      }
    }
  }
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

const describeRoute = (r: Route) => `${r.method} ${r.path}`;
const concrete = (path: string) => path.replace(/:\w+/g, () => randomUUID());
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function send(app: INestApplication, route: Route, key?: string) {
  const agent = request(app.getHttpServer());
  const path = concrete(route.path);
  const req =
    route.method === 'GET'
      ? agent.get(path)
      : route.method === 'POST'
        ? agent.post(path)
        : route.method === 'PUT'
          ? agent.put(path)
          : route.method === 'DELETE'
            ? agent.delete(path)
            : agent.patch(path);
  if (key !== undefined) req.set('authorization', `Bearer ${key}`);
  // A body that would pass validation for tenant creation: only authorization may stop it.
  return route.method === 'GET'
    ? req
    : req.send({ slug: 'blocked', name: 'Blocked', principal: 'blocked', role: 'operator' });
}

describe('control-plane authentication and authorisation (real PostgreSQL and NATS)', () => {
  const h = new ControlPlaneHarness();
  const log: string[] = [];
  let app: INestApplication;
  let routes: Route[];
  let viewerKey: string;

  beforeAll(async () => {
    await h.setUp();
    app = await h.start({ multitenancy: true, log });
    routes = routeTable(app);
    viewerKey = await h.mintKey(app, 'auditor', 'viewer');
  });

  afterAll(() => h.tearDown());

  it('knows every route: the control-plane ones and the three public probes', () => {
    expect(routes.map(describeRoute)).toEqual([
      `POST ${CP}/api-keys`,
      `GET ${CP}/database-servers`,
      `POST ${CP}/database-servers`,
      `GET ${CP}/migration-status`,
      `GET ${CP}/status`,
      `GET ${CP}/tenants`,
      `POST ${CP}/tenants`,
      `DELETE ${CP}/tenants/:id`,
      `GET ${CP}/tenants/:id`,
      `GET ${CP}/tenants/:id/enrollment-tokens`,
      `POST ${CP}/tenants/:id/enrollment-tokens`,
      `DELETE ${CP}/tenants/:id/enrollment-tokens/:token_id`,
      `GET ${CP}/tenants/:id/hosts`,
      `DELETE ${CP}/tenants/:id/hosts/:host_id/credential`,
      `GET ${CP}/tenants/:id/placement`,
      `PUT ${CP}/tenants/:id/placement`,
      `POST ${CP}/tenants/:id/provision`,
      `POST ${CP}/tenants/:id/resume`,
      `POST ${CP}/tenants/:id/suspend`,
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
    ]);
  });

  it('answers 401 unauthenticated (problem+json) on every non-public route without a key or with a wrong one', async () => {
    const before = await Promise.all(
      ['registry_tenants', 'registry_database_servers', 'registry_admin_api_keys'].map((t) => h.count(t)),
    );
    const open: string[] = [];
    for (const route of routes) {
      const isProbe = route.path.startsWith('/health/') || route.path === '/metrics';
      for (const key of [undefined, 'smk_not-a-real-key-at-all-000000000000', `${OPERATOR_KEY}x`]) {
        const res = await send(app, route, key);
        if (isProbe) {
          expect(res.status).toBe(200);
          continue;
        }
        if (res.status !== 401) open.push(`${describeRoute(route)} -> ${res.status} (key ${key ?? 'none'})`);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          status: 401,
          code: 'unauthenticated',
          type: 'urn:sysmanage:problem:unauthenticated',
        });
      }
    }
    expect(open).toEqual([]);
    const after = await Promise.all(
      ['registry_tenants', 'registry_database_servers', 'registry_admin_api_keys'].map((t) => h.count(t)),
    );
    expect(after).toEqual(before);
  });

  it('answers 403 forbidden to a viewer on every write route and lets it read', async () => {
    const before = await Promise.all(
      ['registry_tenants', 'registry_database_servers', 'registry_admin_api_keys', 'registry_audit_log'].map(
        (t) => h.count(t),
      ),
    );
    for (const route of routes.filter((r) => r.path.startsWith(CP))) {
      const res = await send(app, route, viewerKey);
      if (route.method === 'GET') {
        expect([200, 404]).toContain(res.status);
        if (res.status === 404) expect(res.body.code).toBe('tenant_not_found');
      } else {
        expect({ route: describeRoute(route), status: res.status, code: res.body.code }).toEqual({
          route: describeRoute(route),
          status: 403,
          code: 'forbidden',
        });
        expect(res.body.detail).toBe(`role viewer may only read; ${route.method} needs role operator`);
      }
    }
    const after = await Promise.all(
      ['registry_tenants', 'registry_database_servers', 'registry_admin_api_keys', 'registry_audit_log'].map(
        (t) => h.count(t),
      ),
    );
    expect(after).toEqual(before);
  });

  it('stores the bootstrap key hashed on the operator principal bootstrap-admin, idempotently, never logging it', async () => {
    const second = await h.start({ multitenancy: true, log });
    await h.stop(second);
    const rows = await h.sql<{ name: string; role: string; key_hash: string }>(
      `SELECT p.name, p.role, k.key_hash FROM registry_admin_principals p JOIN registry_admin_api_keys k ON k.principal_id = p.id
        WHERE p.name = 'bootstrap-admin'`,
    );
    expect(rows).toEqual([{ name: 'bootstrap-admin', role: 'operator', key_hash: sha256(OPERATOR_KEY) }]);
    expect(await h.count('registry_audit_log', `action = 'api_key.bootstrap'`)).toBe(1);
    expect(log.join('\n')).not.toContain(OPERATOR_KEY);
    expect(log.join('\n')).toContain('bootstrap admin principal ensured');
  });

  it('reads the bootstrap key from a 0600 file and refuses to start when the file is readable by others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-key-'));
    const file = join(dir, 'admin.key');
    const fileKey = 'file-bootstrap-key-abcdefghijklmnopqrstuvwxyz';
    writeFileSync(file, `${fileKey}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    await expect(
      h.start({ multitenancy: true, env: { SYSMANAGE_BOOTSTRAP_ADMIN_KEY_FILE: file } }),
    ).rejects.toThrow(/registry did not start \(exit 1\).*has mode 644; it must be 0600/s);
    chmodSync(file, 0o600);
    const fromFile = await h.start({ multitenancy: true, env: { SYSMANAGE_BOOTSTRAP_ADMIN_KEY_FILE: file } });
    const res = await request(fromFile.getHttpServer())
      .get(`${CP}/status`)
      .set('authorization', `Bearer ${fileKey}`);
    expect(res.status).toBe(200);
    await h.stop(fromFile);
  });

  it('refuses a revoked key', async () => {
    const key = await h.mintKey(app, 'temp-operator', 'operator');
    const ok = await request(app.getHttpServer()).get(`${CP}/status`).set('authorization', `Bearer ${key}`);
    expect(ok.status).toBe(200);
    await h.sql(`UPDATE registry_admin_api_keys SET revoked_at = now() WHERE key_hash = $1`, [sha256(key)]);
    const res = await request(app.getHttpServer()).get(`${CP}/status`).set('authorization', `Bearer ${key}`);
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('the API key is not valid (unknown, revoked or malformed)');
  });

  it('mints keys shown once, stored hashed, and audited without the key', async () => {
    const res = await request(app.getHttpServer())
      .post(`${CP}/api-keys`)
      .set('authorization', `Bearer ${OPERATOR_KEY}`)
      .send({ principal: 'robot', role: 'viewer' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      principal: 'robot',
      role: 'viewer',
      key: expect.stringMatching(/^smk_/),
    });
    const key: string = res.body.key;
    expect(
      await h.count('registry_admin_api_keys', 'key_hash = $1 AND prefix = $2', [
        sha256(key),
        key.slice(0, 12),
      ]),
    ).toBe(1);
    const audit = await h.sql<{ detail: unknown }>(
      `SELECT detail FROM registry_audit_log WHERE action = 'api_key.create' AND detail->>'principal' = 'robot'`,
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(key);

    const conflict = await request(app.getHttpServer())
      .post(`${CP}/api-keys`)
      .set('authorization', `Bearer ${OPERATOR_KEY}`)
      .send({ principal: 'robot', role: 'operator' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('principal_role_conflict');
  });

  it('serves the OpenAPI document (bearer auth declared on every control-plane operation) and Swagger UI without a key', async () => {
    const ui = await request(app.getHttpServer()).get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/^text\/html/);
    expect(ui.text).toContain('swagger-ui');

    const doc = await request(app.getHttpServer()).get('/api/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.components.securitySchemes).toEqual({
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key',
        description: 'Control-plane API key',
      },
    });
    const operations = routes.filter((r) => r.path.startsWith(CP));
    for (const route of operations) {
      const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
      const op = doc.body.paths[openApiPath]?.[route.method.toLowerCase()];
      expect({ route: describeRoute(route), security: op?.security }).toEqual({
        route: describeRoute(route),
        security: [{ bearer: [] }],
      });
    }
    expect(doc.body.components.schemas.CreateTenantDto.properties.slug.pattern).toBe(
      '^[a-z][a-z0-9_]{0,39}$',
    );
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const res = await request(app.getHttpServer())
      .get(`${CP}/no-such-thing`)
      .set('authorization', `Bearer ${OPERATOR_KEY}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'route_not_found', status: 404, instance: `${CP}/no-such-thing` });
  });
});
