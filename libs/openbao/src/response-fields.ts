import { OpenBaoError, OpenBaoErrorCode } from './openbao-error';

/**
 * Typed reads of OpenBAO response bodies. A field of the wrong type is a
 * server/version mismatch, reported with the path and field name rather than
 * surfacing later as `undefined`.
 */
export type Json = Record<string, unknown>;

export function record(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

export function dataOf(body: Json | null, path: string): Json {
  const data = record(body?.['data']);
  if (data === null) throw malformed(path, 'data');
  return data;
}

export function authOf(body: Json | null, path: string): Json {
  const auth = record(body?.['auth']);
  if (auth === null) throw malformed(path, 'auth');
  return auth;
}

export function str(obj: Json, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw malformed(path, key);
  return value;
}

export function optStr(obj: Json, key: string): string | null {
  const value = obj[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function num(obj: Json, key: string, path: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(path, key);
  return value;
}

export function optNum(obj: Json, key: string): number | null {
  const value = obj[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function bool(obj: Json, key: string, path: string): boolean {
  const value = obj[key];
  if (typeof value !== 'boolean') throw malformed(path, key);
  return value;
}

/** A list of strings; null/absent is an empty list (OpenBAO omits empty lists). A comma string is split. */
export function strList(obj: Json, key: string): string[] {
  const value = obj[key];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value === '' ? [] : value.split(',').map((v) => v.trim());
  return [];
}

export function optDate(obj: Json, key: string): Date | null {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function malformed(path: string, field: string): OpenBaoError {
  return new OpenBaoError(`OpenBAO ${path} answered without a valid "${field}" field`, {
    code: OpenBaoErrorCode.SERVER_ERROR,
    status: 200,
    path,
    transient: false,
  });
}
