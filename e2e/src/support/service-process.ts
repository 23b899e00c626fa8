import { BuiltService } from '@sysmanage/testing';
import { builtMain, WORKSPACE, type StackService } from './built-programs';

export type { ServiceExit } from '@sysmanage/testing';

/**
 * One built service of the stack as its own process (`node
 * dist/apps/<service>/src/main.js --config <file>`, `serve` for the
 * migrator), ready once GET /health/ready answers 200, and started again
 * after stop()/kill() on the same port and environment.
 */
export class ServiceProcess extends BuiltService {
  constructor(
    readonly name: StackService,
    readonly port: number,
    configPath: string,
    /** Only what the fixture gives this service on purpose (its AppRole, keys, settings). */
    readonly env: Readonly<Record<string, string>>,
    readonly logFile: string,
  ) {
    super({
      name,
      main: builtMain(name),
      args: [...(name === 'migrator' ? ['serve'] : []), '--config', configPath],
      cwd: WORKSPACE,
      env,
      logFile,
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}
