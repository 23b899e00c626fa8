import { Inject, Injectable } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import { CONTROL_PLANE_CONFIG } from '../control-plane.tokens';
import { RegistryError, RegistryErrorCode } from '../errors/registry-error';

/** Collapsed mode (multitenancy off) has one implicit tenant: tenant writes are refused, reads work. */
@Injectable()
export class MultitenancyGate {
  constructor(@Inject(CONTROL_PLANE_CONFIG) private readonly config: SysManageConfig) {}

  get enabled(): boolean {
    return this.config.multitenancy.enabled;
  }

  get selfServiceProvisioning(): boolean {
    return this.config.multitenancy.enabled && this.config.multitenancy.selfServiceProvisioning;
  }

  assertEnabled(what: string): void {
    if (!this.enabled) {
      throw new RegistryError(
        RegistryErrorCode.MULTITENANCY_DISABLED,
        `cannot ${what}: multi-tenancy is disabled (multitenancy.enabled: false); this deployment has one implicit tenant`,
      );
    }
  }
}
