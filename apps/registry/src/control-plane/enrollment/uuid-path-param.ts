import type { PipeTransform } from '@nestjs/common';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * UuidParamPipe for a path parameter other than `:id`, so the problem names
 * the right field: `@Param('token_id', uuidPathParam('token_id'))`.
 */
export function uuidPathParam(field: string): PipeTransform<string, string> {
  return {
    transform(value: string): string {
      if (!UUID.test(value)) {
        throw new RegistryError(
          RegistryErrorCode.VALIDATION_FAILED,
          `${field} must be a UUID, got ${JSON.stringify(value.slice(0, 64))}`,
          [{ field, messages: [`${field} must be a UUID`] }],
        );
      }
      return value.toLowerCase();
    },
  };
}
