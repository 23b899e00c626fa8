import type { ArgumentsHost } from '@nestjs/common';
import { HttpException } from '@nestjs/common';
import { runWithContext } from '@sysmanage/observability';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RegistryError, RegistryErrorCode } from './registry-error';
import { toValidationError } from './validation-errors';

interface Captured {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function harness() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  const filter = new ProblemDetailsFilter(pino(sink));
  const run = (error: unknown, url = '/api/v1/control-plane/tenants?x=1'): Captured => {
    const out: Captured = { status: 0, headers: {}, body: {} };
    const res = {
      set statusCode(value: number) {
        out.status = value;
      },
      get statusCode() {
        return out.status;
      },
      setHeader: (name: string, value: string) => void (out.headers[name] = value),
      end: (text: string) => void (out.body = JSON.parse(text)),
    };
    const host = {
      switchToHttp: () => ({ getRequest: () => ({ url }), getResponse: () => res }),
    } as unknown as ArgumentsHost;
    filter.catch(error, host);
    return out;
  };
  return { run, lines };
}

describe('ProblemDetailsFilter', () => {
  it('maps a RegistryError code to its status, title and type, with field errors and the path as instance', () => {
    const { run } = harness();
    const out = run(
      new RegistryError(RegistryErrorCode.TENANT_EXISTS, 'a tenant with slug x already exists'),
    );
    expect(out.status).toBe(409);
    expect(out.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(out.body).toEqual({
      type: 'urn:sysmanage:problem:tenant_exists',
      title: 'Tenant already exists',
      status: 409,
      code: 'tenant_exists',
      detail: 'a tenant with slug x already exists',
      instance: '/api/v1/control-plane/tenants',
    });
  });

  it('turns an unexpected error into internal_error with the request id as correlation id; the detail goes to the log only', () => {
    const { run, lines } = harness();
    const out = runWithContext({ requestId: 'req-42' }, () =>
      run(new Error('password=hunter2 leaked in a driver message')),
    );
    expect(out.status).toBe(500);
    expect(out.body).toMatchObject({ code: 'internal_error', correlation_id: 'req-42' });
    expect(JSON.stringify(out.body)).not.toContain('hunter2');
    expect(lines).toEqual([
      expect.objectContaining({ correlationId: 'req-42', msg: 'unhandled error in a control-plane request' }),
    ]);
  });

  it('leaves probe exceptions outside the control plane (the /health/ready 503 report) as they are', () => {
    const { run } = harness();
    const out = run(
      new HttpException({ status: 'error', checks: { database: 'error: down' } }, 503),
      '/health/ready',
    );
    expect(out.status).toBe(503);
    expect(out.body).toEqual({ status: 'error', checks: { database: 'error: down' } });
  });
});

describe('toValidationError', () => {
  it('gives invalid_slug when the slug failed, validation_failed otherwise, with dotted field errors', () => {
    const slug = toValidationError([
      { property: 'slug', constraints: { matches: 'slug must match x' }, children: [] },
    ]);
    expect(slug).toMatchObject({
      code: 'invalid_slug',
      fieldErrors: [{ field: 'slug', messages: ['slug must match x'] }],
    });
    const other = toValidationError([
      {
        property: 'wish',
        children: [
          { property: 'region', constraints: { isString: 'region must be a string' }, children: [] },
        ],
      },
    ]);
    expect(other).toMatchObject({
      code: 'validation_failed',
      message: 'invalid request: wish.region: region must be a string',
      fieldErrors: [{ field: 'wish.region', messages: ['region must be a string'] }],
    });
  });
});
