import { MULTITENANT_SAAS } from '@sysmanage/tenancy';

export const USAGE = `usage: npm run license -- <command> [options]

  keygen [--out-dir DIR] [--force]
      Create an Ed25519 keypair: DIR/license-private.pem (0600) and
      DIR/license-public.pem (0644). DIR defaults to ./data. Never overwrites an
      existing key without --force (licenses it issued would stop verifying).

  issue --tier ${MULTITENANT_SAAS} [--tier TIER]... --customer NAME
        --expires YYYY-MM-DD|ISO-8601 [--max-tenants N] [--id ID]
        [--private-key PATH] [--out PATH]
      Sign a license with PATH (default ./data/license-private.pem) and write it
      to --out (default ./data/license.json, mode 0600). A date is valid through
      that day (UTC); a timestamp needs its time zone. Multi-tenant mode requires
      the ${MULTITENANT_SAAS} tier. No --max-tenants means no tenant limit.

  verify [--license PATH] [--public-key PATH]
      Check a license exactly as the services do (signature, validity dates,
      ${MULTITENANT_SAAS} tier). Defaults: ./data/license.json, ./data/license-public.pem.

Exit status: 0 done, 1 failed, 2 usage error.
`;
