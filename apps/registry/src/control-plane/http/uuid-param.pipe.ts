import { Injectable, type PipeTransform } from '@nestjs/common';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are UUIDs; anything else is a validation error, never a database error. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) {
      throw new RegistryError(
        RegistryErrorCode.VALIDATION_FAILED,
        `id must be a UUID, got ${JSON.stringify(value.slice(0, 64))}`,
        [{ field: 'id', messages: ['id must be a UUID'] }],
      );
    }
    return value.toLowerCase();
  }
}
