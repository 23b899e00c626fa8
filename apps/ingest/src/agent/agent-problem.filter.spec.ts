import type { ArgumentsHost } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import { runWithContext, type HttpMetrics } from '@sysmanage/observability';
import pino from 'pino';
import { Registry } from 'prom-client';
import { AgentError, AgentErrorCode } from './agent-error';
import { AgentMetrics } from './agent-metrics';
import { AgentProblemFilter } from './agent-problem.filter';

function harness() {
  const lines: Record<string, unknown>[] = [];
  const registry = new Registry();
  const filter = new AgentProblemFilter(
    pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
    new AgentMetrics({ registry } as unknown as HttpMetrics),
  );
  const run = (error: unknown) => {
    const out = { status: 0, headers: {} as Record<string, string>, body: {} as Record<string, unknown> };
    const res = {
      set statusCode(value: number) {
        out.status = value;
      },
      setHeader: (name: string, value: string) => void (out.headers[name] = value),
      end: (text: string) => void (out.body = JSON.parse(text)),
    };
    const host = {
      switchToHttp: () => ({
        getRequest: () => ({ url: '/api/v1/agent/messages?x=1' }),
        getResponse: () => res,
      }),
    } as unknown as ArgumentsHost;
    filter.catch(error, host);
    return out;
  };
  return { run, lines, registry };
}

describe('AgentProblemFilter', () => {
  it('maps an AgentError to its status with code, location and the path as instance, and counts the refusal', async () => {
    const { run, registry } = harness();
    const out = run(
      new AgentError(AgentErrorCode.INVALID_PAYLOAD, 'messages[2]: bad', {
        index: 2,
        field: 'payload.cpu_percent',
      }),
    );
    expect(out.status).toBe(400);
    expect(out.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(out.body).toEqual({
      type: 'urn:sysmanage:problem:invalid_payload',
      title: 'Invalid payload',
      status: 400,
      code: 'invalid_payload',
      detail: 'messages[2]: bad',
      instance: '/api/v1/agent/messages',
      index: 2,
      field: 'payload.cpu_percent',
    });
    const rejected = await registry.getSingleMetric('sysmanage_ingest_requests_rejected_total')?.get();
    expect(rejected?.values).toEqual([
      expect.objectContaining({ labels: { code: 'invalid_payload' }, value: 1 }),
    ]);
  });

  it('says when to retry a 503', () => {
    const out = harness().run(new AgentError(AgentErrorCode.INGEST_UNAVAILABLE, 'retry'));
    expect(out.status).toBe(503);
    expect(out.headers['retry-after']).toBe('5');
  });

  it('turns an unexpected error into internal_error with the request id; the detail goes to the log only', () => {
    const { run, lines } = harness();
    const out = runWithContext({ requestId: 'req-7' }, () =>
      run(new Error('password=hunter2 in a driver message')),
    );
    expect(out.status).toBe(500);
    expect(out.body).toMatchObject({ code: 'internal_error', correlation_id: 'req-7' });
    expect(JSON.stringify(out.body)).not.toContain('hunter2');
    expect(lines).toEqual([
      expect.objectContaining({ correlationId: 'req-7', msg: 'unhandled error in an agent request' }),
    ]);
  });

  it('maps a framework 404 to route_not_found', () => {
    expect(harness().run(new NotFoundException()).body).toMatchObject({
      status: 404,
      code: 'route_not_found',
    });
  });
});
