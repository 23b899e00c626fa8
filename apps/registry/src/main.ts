import { defineServiceBootstrap, runServiceMain, type ServiceBootstrapFn } from '@sysmanage/observability';
import { prepareServiceStartup, reportStartupFailure } from '@sysmanage/tenancy';
import { RegistryAppModule } from './app.module';
import { mountOpenApi } from './control-plane/openapi/openapi';

/**
 * Starts the registry: config and license gate, then the HTTP API on
 * `api.registry` (default 8080). `env` also carries the bootstrap admin key
 * variables (SYSMANAGE_BOOTSTRAP_ADMIN_KEY / _FILE).
 */
export const bootstrap: ServiceBootstrapFn = (argv, env, io) =>
  defineServiceBootstrap(
    'registry',
    (config, logger) => RegistryAppModule.forRoot(config, logger, env),
    { prepareServiceStartup, reportStartupFailure },
    mountOpenApi,
  )(argv, env, io);

if (require.main === module) runServiceMain(bootstrap);
