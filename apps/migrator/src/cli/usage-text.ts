import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './cli-args';

export const USAGE_TEXT = `Usage: sysmanage-migrate [command] [options]

Applies the registry, shared and tenant migration chains, in that order.

Commands:
  up (default)       apply pending migrations
  status             per database and chain: current, head and pending count
  lint [files...]    flag destructive SQL in migrations' up() (default: libs/schema/src/**/migrations/*.ts)
  serve              long-running worker: /health/live, /health/ready, /metrics and the NATS
                     migrate-tenant responder

Options:
  --config PATH          configuration file (else SYSMANAGE_CONFIG, ./sysmanage-dev.yaml, /etc/sysmanage.yaml)
  --status               same as the status command
  --dry-run              list pending migrations and change nothing
  --no-tenants           skip the tenant chain (the fan-out over tenant databases)
  --tenants-only         run only the tenant chain
  --tenant SLUG          restrict the fan-out to this tenant (repeatable)
  --concurrency N        tenant databases migrated at once, 1-${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})
  --failure-budget N     stop starting tenant databases once N have failed
  --json                 print one JSON document instead of progress lines
  --verify               read each tenant database's version even when the registry records it at head
  --help, -h             this text

Exit codes: 0 success, 1 a database (or lint finding) failed, 2 usage or configuration error,
3 licensing error (multi-tenancy enabled without a MULTITENANT_SAAS license).
`;
