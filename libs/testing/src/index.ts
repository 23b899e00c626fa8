export { HarnessError, HarnessErrorCode } from './harness-error';
export { freePort, freePortPair } from './free-port';
export { reapStaleHarnessProcesses, type ReapReport } from './process/registry';
export type { PgInstance, PgStopOptions, StartPostgresOptions } from './postgres/pg-instance';
export type { PgBinarySource } from './postgres/pg-binaries';
export { startPostgres } from './postgres/pg-server';
export { startNats, machineNatsServers, type NatsInstance } from './nats/start-nats';
export { startOpenBao, type OpenBaoInstance } from './openbao/start-openbao';
export { openBaoBinary } from './openbao/openbao-binary';
export { TestEnvironment, type Stoppable } from './test-environment';
export {
  writeTestConfig,
  buildTestConfig,
  type TestConfigInput,
  type TestConfigDatabase,
} from './config/write-test-config';
export type { YamlTree } from './config/deep-merge';
export {
  describeServiceBasics,
  type ServiceBasicsContext,
  type ServiceBasicsOptions,
} from './service/service-basics';
export {
  BuiltService,
  builtEntryPoint,
  serviceEnv,
  startBuiltService,
  type BuiltServiceSpec,
  type ServiceExit,
} from './service/built-service';
export { repoRoot } from './repo-root';
export { runAsCli, writePrettierJson } from './bench/bench-cli';
