import { runInThisContext } from 'node:vm';

/**
 * The real Node `process` and global object. Jest gives each test file a
 * sandboxed copy of `process` whose 'exit'/'SIGINT' events never fire, and a
 * fresh module registry per file; vm.runInThisContext evaluates in Node's main
 * context, so exit handlers land on the real process and registry state is
 * shared by every test file a worker runs.
 */
export const hostProcess = runInThisContext('process') as NodeJS.Process;
export const hostGlobal = runInThisContext('globalThis') as Record<symbol, unknown>;
