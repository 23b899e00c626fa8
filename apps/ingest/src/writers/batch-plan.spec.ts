import type { IngestMessage } from '@sysmanage/contracts';
import { toAgentChange, type AgentChange } from './agent-change';
import { planBatch } from './batch-plan';
import { ledgerKey } from './ingest-record';

const TENANT = '6f1d7c2e-0c1b-4a6e-9a53-1f8f3e2b9d10';
const H1 = '0b8f3a52-6a0e-4f0b-8a55-6c1d2e3f4a5b';
const H2 = '1c9f4b63-7b1f-4a1c-9b66-7d2e3f4a5b6c';

function change(
  hostId: string,
  type: string,
  payload: Record<string, unknown>,
  at: number,
  received = at,
): AgentChange {
  const message: IngestMessage = {
    messageId: `m-${hostId.slice(0, 4)}-${at}-${type}`,
    tenantId: TENANT,
    hostId,
    type,
    timestamp: new Date(at).toISOString(),
    receivedAt: new Date(received).toISOString(),
    payload,
  };
  return toAgentChange({ message, key: ledgerKey(hostId, message.messageId) });
}

const pkg = (name: string, version: string, architecture?: string) => ({
  name,
  version,
  package_manager: 'apt',
  ...(architecture ? { architecture } : {}),
});

describe('planBatch', () => {
  it('keeps every heartbeat and the latest receivedAt per host as last seen', () => {
    const plan = planBatch([
      change(H1, 'heartbeat', { cpu_percent: 5 }, 2_000, 9_000),
      change(H1, 'heartbeat', {}, 1_000, 10_000),
      change(H2, 'heartbeat', {}, 3_000, 4_000),
    ]);
    expect(plan.heartbeats).toHaveLength(3);
    expect(plan.heartbeats[0]).toMatchObject({
      host_id: H1,
      cpu_percent: null,
      memory_percent: null,
      metrics: {},
    });
    expect(plan.lastSeen).toEqual(
      expect.arrayContaining([
        { host_id: H1, at: new Date(10_000).toISOString() },
        { host_id: H2, at: new Date(4_000).toISOString() },
      ]),
    );
  });

  it('applies the system_info with the latest agent timestamp, whatever the delivery order', () => {
    const plan = planBatch([
      change(H1, 'system_info', { hostname: 'new' }, 5_000),
      change(H1, 'system_info', { hostname: 'old' }, 1_000),
    ]);
    expect(plan.systemInfo).toEqual([
      { host_id: H1, info: { hostname: 'new' }, at: new Date(5_000).toISOString() },
    ]);
  });

  it('lets a complete inventory replace earlier reports and later partial ones add to it', () => {
    const plan = planBatch([
      change(H1, 'software_inventory', { packages: [pkg('vim', '8'), pkg('bash', '5.0')] }, 1_000),
      change(H1, 'software_inventory', { packages: [pkg('bash', '5.1')], complete: true }, 2_000),
      change(H1, 'software_inventory', { packages: [pkg('curl', '7'), pkg('bash', '5.2')] }, 3_000),
      change(H2, 'software_inventory', { packages: [pkg('zsh', '5', 'arm64')] }, 1_500),
    ]);
    const byHost = (host: string) =>
      plan.packages.filter((p) => p.host_id === host).map((p) => `${p.name}=${p.version}/${p.architecture}`);
    expect(byHost(H1).sort()).toEqual(['bash=5.2/', 'curl=7/']);
    expect(byHost(H2)).toEqual(['zsh=5/arm64']);
    expect(plan.completeHosts).toEqual([H1]);
  });

  it('plans nothing for an empty batch', () => {
    expect(planBatch([])).toEqual({
      heartbeats: [],
      lastSeen: [],
      systemInfo: [],
      packages: [],
      completeHosts: [],
    });
  });
});
