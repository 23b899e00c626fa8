/** The unauthenticated sys endpoints a fresh server needs: health, init, unseal. Plain fetch: OpenBaoClient assumes a token. */
import { LocalOpenBaoError, LocalOpenBaoErrorCode } from './local-openbao-error';

export interface SealHealth {
  initialized: boolean;
  sealed: boolean;
}

export interface InitResult {
  unsealKey: string;
  rootToken: string;
}

const REQUEST_TIMEOUT_MS = 5_000;

function endpoint(url: string, path: string): string {
  return `${url.replace(/\/+$/, '')}/v1/${path}`;
}

/** null when nothing answers at `url` (refused, reset, timeout); any HTTP answer is a server. */
export async function probeHealth(url: string, timeoutMs = 1_000): Promise<SealHealth | null> {
  let response: Response;
  try {
    response = await fetch(endpoint(url, 'sys/health?standbyok=true&sealedcode=200&uninitcode=200'), {
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return null;
  }
  const body = (await response.json().catch(() => ({}))) as { initialized?: unknown; sealed?: unknown };
  return { initialized: body.initialized === true, sealed: body.sealed !== false };
}

async function put(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint(url, path), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const errors = Array.isArray(parsed['errors']) ? parsed['errors'].join('; ') : '';
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.SEAL_API_FAILED,
      `PUT ${path} answered ${response.status}${errors === '' ? '' : `: ${errors}`}`,
    );
  }
  return parsed;
}

/** One key share, threshold one: a development server with a single operator. */
export async function initialize(url: string): Promise<InitResult> {
  const body = await put(url, 'sys/init', { secret_shares: 1, secret_threshold: 1 });
  const keys = body['keys_base64'];
  const rootToken = body['root_token'];
  if (!Array.isArray(keys) || typeof keys[0] !== 'string' || typeof rootToken !== 'string') {
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.SEAL_API_FAILED,
      'sys/init answered without keys_base64/root_token',
    );
  }
  return { unsealKey: keys[0], rootToken };
}

export async function unseal(url: string, key: string): Promise<void> {
  const body = await put(url, 'sys/unseal', { key });
  if (body['sealed'] !== false)
    throw new LocalOpenBaoError(
      LocalOpenBaoErrorCode.SEAL_API_FAILED,
      'sys/unseal: the server is still sealed (wrong unseal key for this storage?)',
    );
}
