# A thin facade over npm / Nx scripts. Every target named in the README works on
# a fresh machine of this project's kind (Node 20, Go for the OpenBAO build).
SHELL := /bin/bash
export NX_DAEMON := false
export NX_NO_CLOUD := true
export NX_TUI := false
export SCARF_ANALYTICS := false
NX := npx --no-install nx
ARGS ?=

.PHONY: up install-dev build typecheck lint lint-migrations format-check test test-unit openbao \
        migrate migrate-tenants license provision-bootstrap start stop status clean \
        bench-provisioning bench-ingest

## up: install everything, then start the stack in its default (collapsed) mode
up: install-dev start

## install-dev: install the exact dependency tree from package-lock.json
install-dev:
	npm ci --no-audit --no-fund

## build: compile every app and library into dist/
build:
	$(NX) run-many -t build --output-style=static

typecheck:
	$(NX) run-many -t typecheck --output-style=static

## lint: ESLint (module boundaries included, --max-warnings 0), Prettier and the migration lint
lint: lint-migrations format-check
	$(NX) run-many -t lint --output-style=static

lint-migrations:
	node tools/run-app.mjs migrator lint

format-check:
	npx --no-install prettier --check .

## test: lint, typecheck, build, then every unit and integration test against
## real PostgreSQL, NATS/JetStream and OpenBAO started by libs/testing
test: openbao lint typecheck build
	$(NX) run-many -t test --output-style=static

## openbao: build the secrets-engine server from the Go module proxy (cached)
openbao:
	@tools/openbao/build.sh >/dev/null

## migrate: apply registry -> shared -> tenant chains (fan-out when multi-tenant)
## (both first make sure PostgreSQL and the configured databases exist, like make start)
migrate:
	node tools/stack/stack.mjs databases
	node tools/run-app.mjs migrator $(ARGS)

## migrate-tenants: only the tenant-chain fan-out over every tenant database
migrate-tenants:
	node tools/stack/stack.mjs databases
	node tools/run-app.mjs migrator --tenants-only $(ARGS)

## license: the license tool, e.g. make license ARGS='keygen'
license:
	node tools/run-app.mjs license $(ARGS)

## provision-bootstrap: once per deployment/database server, with admin credentials
## e.g. make provision-bootstrap ARGS='--bao-token $$BAO_TOKEN --server main --register'
provision-bootstrap:
	node tools/stack/stack.mjs databases
	node tools/run-app.mjs provision-bootstrap $(ARGS)

## start / stop / status: the development stack (see README)
start:
	node tools/stack/stack.mjs start

stop:
	node tools/stack/stack.mjs stop

status:
	node tools/stack/stack.mjs status

## bench-provisioning: provisioning and migration fan-out benchmark on harness
## servers (not a test; see tools/bench/provisioning/README.md), e.g. ARGS='--repeats 1'
bench-provisioning: openbao
	$(NX) run-many -t build -p provisioner migrator bench-provisioning --output-style=static
	node --enable-source-maps dist/tools/bench/provisioning/src/main.js $(ARGS)

clean:
	rm -rf dist .nx coverage

## bench-ingest: agent traffic through the built ingest on harness servers (20 tenants, peak and
## half-rate load, a raw-insert baseline, a 5,000-agent restart storm; not a test, see
## tools/bench/ingest/README.md), e.g. ARGS='--cpu-prof'
bench-ingest: openbao
	$(NX) run-many -t build -p registry provisioner migrator ingest bench-ingest --output-style=static
	node --enable-source-maps dist/tools/bench/ingest/src/main.js $(ARGS)
