# Local OpenBAO (Vault API) server for development: `make migrate` starts it
# from vault.bootstrap when nothing answers at vault.url, initialises it on
# first start (unseal key and root token in ./data/openbao/init.json, 0600)
# and unseals it on every start. Production servers are run by the operator
# with TLS, a real storage backend and auto-unseal; do not reuse this file.

# Persistent single-node storage. A relative path resolves against the
# server's working directory: start it from the repository root (the
# directory of this file), where ./data is git-ignored.
storage "file" {
  path = "./data/openbao"
}

# DEVELOPMENT ONLY: plain HTTP on the loopback interface. Anything reachable
# from another host must set tls_cert_file/tls_key_file instead of tls_disable.
listener "tcp" {
  address     = "127.0.0.1:8200"
  tls_disable = true
}

# The address clients are told to use; must match vault.url.
api_addr = "http://127.0.0.1:8200"

# mlock needs CAP_IPC_LOCK, which a developer's process usually lacks; the
# file storage is on disk anyway. Keep mlock on for production servers.
disable_mlock = true

ui = false
