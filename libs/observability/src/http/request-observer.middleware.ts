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

/**
 * Gives every request an id (the caller's `x-request-id` when sane, else a new
 * UUID), echoes it in the response, runs the rest of the pipeline inside that
 * request context, and on completion writes one access line and the HTTP metrics.
 */
@Injectable()
export class RequestObserverMiddleware implements NestMiddleware<RoutedRequest, ServerResponse> {
  private readonly log: Logger;

  constructor(
    @Inject(ROOT_LOGGER) logger: Logger,
    private readonly metrics: HttpMetrics,
  ) {
    this.log = logger.child({ context: 'HttpAccess' });
  }

  use(req: RoutedRequest, res: ServerResponse, next: () => void): void {
    const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    const started = process.hrtime.bigint();
    const ownRoute = req.route;
    res.setHeader(REQUEST_ID_HEADER, requestId);

    let done = false;
    const complete = (aborted: boolean) => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req, ownRoute);
      const method = req.method ?? 'UNKNOWN';
      this.metrics.observe(method, route, res.statusCode, seconds);
      // The listener may run outside the request's async scope; re-enter it explicitly.
      runWithContext({ requestId }, () =>
        this.log.info(
          {
            method,
            path: pathWithoutQuery(req),
            route,
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

    runWithContext({ requestId }, next);
  }
}
