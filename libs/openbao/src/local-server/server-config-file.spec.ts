import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findWorkspaceRoot, resolveBaoBinary } from './bao-binary';
import { LocalOpenBaoErrorCode } from './local-openbao-error';
import { ensureServerConfigFile, listenAddress, minimalServerConfig } from './server-config-file';

describe('local OpenBAO server config', () => {
  it('listens where vault.url points; only plain http is started locally', () => {
    expect(listenAddress('http://127.0.0.1:8200')).toBe('127.0.0.1:8200');
    expect(listenAddress('http://localhost')).toBe('localhost:80');
    expect(() => listenAddress('https://bao.example:8200')).toThrow(
      'local OpenBAO (vault.bootstrap): vault.url https://bao.example:8200: a local OpenBAO is started only for an http:// URL (TLS servers are run by the operator)',
    );
  });

  it('the minimal config: file storage at data_path, one listener, api_addr, mlock off', () => {
    expect(minimalServerConfig('http://127.0.0.1:8200/', '/var/lib/sm/openbao')).toBe(
      [
        '# Written by SysManage for a local development OpenBAO (vault.bootstrap).',
        'storage "file" {\n  path = "/var/lib/sm/openbao"\n}',
        'listener "tcp" {\n  address     = "127.0.0.1:8200"\n  tls_disable = true\n}',
        'api_addr      = "http://127.0.0.1:8200"',
        'disable_mlock = true',
        'ui            = false',
        '',
      ].join('\n'),
    );
  });

  it('writes the file (0600) only when missing; an existing one is left as it is', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openbao-hcl-'));
    const file = path.join(dir, 'nested', 'openbao.hcl');
    expect(await ensureServerConfigFile(file, 'http://127.0.0.1:8200', '/data')).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, '# operator edited\n');
    expect(await ensureServerConfigFile(file, 'http://127.0.0.1:8200', '/data')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('# operator edited\n');
  });
});

describe('the server binary', () => {
  it('SYSMANAGE_BAO_BIN wins, and a wrong path is named', async () => {
    await expect(resolveBaoBinary({ SYSMANAGE_BAO_BIN: '/nonexistent/bao' }, '/')).rejects.toMatchObject({
      code: LocalOpenBaoErrorCode.BINARY_UNAVAILABLE,
      message: 'local OpenBAO (vault.bootstrap): SYSMANAGE_BAO_BIN=/nonexistent/bao does not exist',
    });
    await expect(resolveBaoBinary({ SYSMANAGE_BAO_BIN: process.execPath }, '/')).resolves.toBe(
      process.execPath,
    );
  });

  it('the workspace is the nearest directory above with nx.json', () => {
    expect(findWorkspaceRoot(__dirname)).toBe(path.resolve(__dirname, '../../../..'));
    expect(findWorkspaceRoot('/')).toBeNull();
  });
});
