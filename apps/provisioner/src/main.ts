import { defineServiceBootstrap, runServiceMain } from '@sysmanage/observability';
import { prepareServiceStartup, reportStartupFailure } from '@sysmanage/tenancy';
import { ProvisionerAppModule } from './app.module';

/** Starts the provisioner: config and license gate, then its health/metrics API on `api.provisioner` (default 8082). */
export const bootstrap = defineServiceBootstrap('provisioner', ProvisionerAppModule.forRoot, {
  prepareServiceStartup,
  reportStartupFailure,
});

if (require.main === module) runServiceMain(bootstrap);
