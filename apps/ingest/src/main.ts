import { defineServiceBootstrap, runServiceMain } from '@sysmanage/observability';
import { prepareServiceStartup, reportStartupFailure } from '@sysmanage/tenancy';
import { configureAgentHttp } from './agent/messages-endpoint';
import { IngestAppModule } from './app.module';

/** Starts ingest: config and license gate, then the agent API on `api.ingest` (default 8081). */
export const bootstrap = defineServiceBootstrap(
  'ingest',
  IngestAppModule.forRoot,
  {
    prepareServiceStartup,
    reportStartupFailure,
  },
  configureAgentHttp,
);

if (require.main === module) runServiceMain(bootstrap);
