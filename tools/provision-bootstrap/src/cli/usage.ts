export const USAGE = `usage: provision-bootstrap [options]

Once per installation (and once per database server): least-privilege OpenBAO
policies and AppRoles for the services, and the provisioner's PostgreSQL role
on a database server. Re-running it is harmless.

OpenBAO:
  With vault.bootstrap in the config and nothing answering at vault.url, the
  local server is started (as \`make migrate\` does) and LEFT RUNNING for
  \`make start\`; its pid goes to data/run/openbao.pid (\`make stop\` stops it).
  --bao-addr URL         default: vault.url of the config
  --bao-token TOKEN      an operator (root-equivalent) token; default: $BAO_TOKEN, then $VAULT_TOKEN,
                         then (with vault.bootstrap) the local server's init file root token
  --bao-token-file FILE  the token from a file instead: plain text, or the local server's
                         init file (data/openbao/init.json, its root_token)
  --out-dir DIR          where <service>.role-id / <service>.secret-id go (0600); default ./data/approle
  --kv-mount NAME        default: vault.mount_path (secret)
  --database-mount NAME  default: vault.database_mount_path (database)

Database server:
  --server NAME          the server's name in the registry and OpenBAO; default local
  --pg-host HOST         how the services and OpenBAO reach it; default: registry.host of the config
  --pg-port PORT         default: registry.port of the config
  --pg-sslmode MODE      disable | require | verify-full; default: registry.ssl of the config
  --pg-admin-url URL     superuser connection, e.g. postgresql://postgres@127.0.0.1:5432/postgres;
                         default: the first superuser of $SYSMANAGE_PG_ADMIN_URL, postgres at
                         --pg-host/--pg-port ($PGPASSWORD) and the config's registry user
  --sql-only             do not touch PostgreSQL: write the SQL for an operator to apply
  --sql-out FILE         where that SQL goes (0600); default ./data/provision-bootstrap-<server>.sql
  --register             add the server to registry_database_servers when it is not there
  --region R --jurisdiction J --capacity N
                         for --register; defaults local, local, 100

Other:
  --config PATH          the SysManage config; default ./sysmanage-dev.yaml, $SYSMANAGE_CONFIG, /etc/sysmanage.yaml
  --help

Exit status: 0 done, 1 failed, 2 usage error, 3 SQL written for an operator to
apply (then run this again).
`;
