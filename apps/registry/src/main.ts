import { defineServiceBootstrap, runServiceMain } from '@sysmanage/observability';
import { prepareServiceStartup, reportStartupFailure } from '@sysmanage/tenancy';
import { RegistryAppModule } from './app.module';

/** Starts the registry: config and license gate, then the HTTP API on `api.registry` (default 8080). */
export const bootstrap = defineServiceBootstrap('registry', RegistryAppModule.forRoot, {
  prepareServiceStartup,
  reportStartupFailure,
});

if (require.main === module) runServiceMain(bootstrap);
