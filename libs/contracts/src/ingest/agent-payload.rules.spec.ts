import { AGENT_LIMITS } from './agent-payloads';
import { agentPayloadErrors, isAgentMessageType, MAX_IP_ADDRESSES } from './agent-payload.rules';

const fields = (type: Parameters<typeof agentPayloadErrors>[0], payload: Record<string, unknown>) =>
  agentPayloadErrors(type, payload).map((e) => e.field);

describe('agent payload rules', () => {
  it('accepts the documented shapes, undeclared keys included', () => {
    expect(fields('heartbeat', {})).toEqual([]);
    expect(
      fields('heartbeat', {
        cpu_percent: 0,
        memory_percent: 100,
        disk_percent: 50.5,
        load_average_1m: 12,
        metrics: { x: 1 },
      }),
    ).toEqual([]);
    expect(
      fields('system_info', { hostname: 'h', ip_addresses: ['10.0.0.1', 'fe80::1%eth0'], kernel: { v: 6 } }),
    ).toEqual([]);
    expect(
      fields('software_inventory', {
        packages: [
          { name: 'bash', version: '5.2', package_manager: 'apt', architecture: 'amd64', source: 'main' },
        ],
        complete: true,
      }),
    ).toEqual([]);
  });

  it('names the failed field of each type', () => {
    expect(fields('heartbeat', { cpu_percent: -1 })).toEqual(['cpu_percent']);
    expect(fields('heartbeat', { memory_percent: '50' })).toEqual(['memory_percent']);
    expect(fields('heartbeat', { load_average_1m: Number.NaN })).toEqual(['load_average_1m']);
    expect(fields('heartbeat', { metrics: [1] })).toEqual(['metrics']);
    expect(fields('system_info', { hostname: '' })).toEqual(['hostname']);
    expect(
      fields('system_info', { ip_addresses: Array.from({ length: MAX_IP_ADDRESSES + 1 }, () => '10.0.0.1') }),
    ).toEqual(['ip_addresses']);
    expect(fields('system_info', { ip_addresses: [1] })).toEqual(['ip_addresses.0']);
    expect(fields('software_inventory', { packages: 'bash' })).toEqual(['packages']);
    expect(
      fields('software_inventory', { packages: [{ name: 'x', version: '', package_manager: 'apt' }] }),
    ).toEqual(['packages.0.version']);
    expect(fields('software_inventory', { packages: [], complete: 'yes' })).toEqual(['complete']);
  });

  it('caps the packages of one inventory at AGENT_LIMITS.maxPackages', () => {
    const pkg = { name: 'p', version: '1', package_manager: 'apt' };
    expect(
      fields('software_inventory', { packages: Array.from({ length: AGENT_LIMITS.maxPackages }, () => pkg) }),
    ).toEqual([]);
    expect(
      fields('software_inventory', {
        packages: Array.from({ length: AGENT_LIMITS.maxPackages + 1 }, () => pkg),
      }),
    ).toEqual(['packages']);
  });

  it('knows exactly the three agent message types', () => {
    expect(['heartbeat', 'system_info', 'software_inventory'].every(isAgentMessageType)).toBe(true);
    expect([undefined, 'HEARTBEAT', 'shell', 3].some(isAgentMessageType)).toBe(false);
  });
});

describe('agent payload rules, edge values', () => {
  it('allows an optional field to be null, never a required one; rejects infinities and non-objects', () => {
    expect(fields('heartbeat', { cpu_percent: null, metrics: null })).toEqual([]);
    expect(fields('software_inventory', { packages: null })).toEqual(['packages']);
    expect(
      fields('software_inventory', { packages: [{ name: 'a', version: '1', package_manager: null }] }),
    ).toEqual(['packages.0.package_manager']);
    expect(fields('software_inventory', { packages: ['bash'] })).toEqual(['packages.0']);
    expect(fields('heartbeat', { cpu_percent: Number.POSITIVE_INFINITY })).toEqual(['cpu_percent']);
    expect(fields('heartbeat', { load_average_1m: -0.1 })).toEqual(['load_average_1m']);
  });

  it('says what the failed field broke', () => {
    expect(agentPayloadErrors('heartbeat', { cpu_percent: 101 })).toEqual([
      { field: 'cpu_percent', constraints: ['cpu_percent must not be greater than 100'] },
    ]);
  });
});
