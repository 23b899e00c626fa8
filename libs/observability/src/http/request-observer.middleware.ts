import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { runWithContext } from '../context/request-context';
import { HttpMetrics } from '../metrics/http-metrics';
import { ROOT_LOGGER } from '../observability.tokens';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id';

// Express adds these to the request; only what we read is declared.
interface RoutedRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
  originalUrl?: string;
}

// Requests that matched no route share one label, so scanners cannot blow up metric cardinality.
const UNMATCHED_ROUTE = 'unmatched';

// Nest mounts this middleware as a catch-all route, so `req.route` is the
// middleware's own route until a controller route matches and replaces it.
function routeTemplate(req: RoutedRequest, ownRoute: RoutedRequest['route']): string {
  const path = req.route?.path;
  return req.route !== ownRoute && typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}

function pathWithoutQuery(req: RoutedRequest): string {
  // The query string is dropped: it may carry tokens, and the log must not.
  return (req.originalUrl ?? req.url ?? '').split('?', 1)[0] ?? '';
}

/** Where a tracked exchange reports: the access log and the HTTP metrics. */
export interface ExchangeReporter {
  /** Writes the access lines (the middleware's is the root logger's child `HttpAccess`). */
  log: Logger;
  metrics: HttpMetrics;
}

/**
 * Gives a request its id (the caller's `x-request-id` when sane, else a new
 * UUID), echoes it in the response and, on completion, writes one access
 * line and the HTTP metrics with the route `route()` names then. Returns the
 * id; the caller runs the request's work inside `runWithContext({ requestId })`.
 * Used by RequestObserverMiddleware and by handlers that serve a route
 * outside Nest's pipeline (ingest's POST /messages).
 */
export function trackExchange(
  reporter: ExchangeReporter,
  req: RoutedRequest,
  res: ServerResponse,
  route: () => string,
): string {
  const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
  const started = process.hrtime.bigint();
  res.setHeader(REQUEST_ID_HEADER, requestId);

  let done = false;
  const complete = (aborted: boolean) => {
    if (done) return;
    done = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const template = route();
    const method = req.method ?? 'UNKNOWN';
    reporter.metrics.observe(method, template, res.statusCode, seconds);
    // The listener may run outside the request's async scope; re-enter it explicitly.
    runWithContext({ requestId }, () =>
      reporter.log.info(
        {
          method,
          path: pathWithoutQuery(req),
          route: template,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1e6) / 1e3,
          ...(aborted ? { aborted: true } : {}),
        },
        'request completed',
      ),
    );
  };
  res.once('finish', () => complete(false));
  res.once('close', () => complete(!res.writableFinished));
  return requestId;
}

/**
 * Tracks every request (trackExchange) and runs the rest of the pipeline
 * inside its request context.
 */
@Injectable()
export class RequestObserverMiddleware implements NestMiddleware<RoutedRequest, ServerResponse> {
  private readonly reporter: ExchangeReporter;

  constructor(@Inject(ROOT_LOGGER) logger: Logger, metrics: HttpMetrics) {
    this.reporter = { log: logger.child({ context: 'HttpAccess' }), metrics };
  }

  use(req: RoutedRequest, res: ServerResponse, next: () => void): void {
    const ownRoute = req.route;
    const requestId = trackExchange(this.reporter, req, res, () => routeTemplate(req, ownRoute));
    runWithContext({ requestId }, next);
  }
}
