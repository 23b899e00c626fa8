import { FloorRows } from './floor-server';

describe('FloorRows', () => {
  it('puts heartbeats, inventory keys and packages of several requests into the statement columns', () => {
    const rows = new FloorRows();
    rows.add('h1', {
      messages: [
        { id: 'a', type: 'heartbeat', timestamp: 't1', payload: { cpu_percent: 5, memory_percent: 40 } },
        {
          id: 'inv',
          type: 'software_inventory',
          timestamp: 't1',
          payload: {
            packages: [
              { name: 'bash', version: '5.2', package_manager: 'apt', architecture: 'amd64' },
              { name: 'jq', version: '1.7', package_manager: 'apt' },
            ],
          },
        },
      ],
    });
    rows.add('h2', { messages: [{ id: 'b', type: 'heartbeat', timestamp: 't2', payload: {} }] });

    expect(rows.rowCount).toBe(4);
    const [
      hbHost,
      hbId,
      hbAt,
      cpu,
      memory,
      disk,
      load,
      invHost,
      invId,
      pkHost,
      pkName,
      pkVersion,
      pkManager,
      pkArch,
    ] = rows.values();
    expect([hbHost, hbId, hbAt, cpu, memory, disk, load]).toEqual([
      ['h1', 'h2'],
      ['a', 'b'],
      ['t1', 't2'],
      [5, null],
      [40, null],
      [null, null],
      [null, null],
    ]);
    expect([invHost, invId]).toEqual([['h1'], ['inv']]);
    expect([pkHost, pkName, pkVersion, pkManager, pkArch]).toEqual([
      ['h1', 'h1'],
      ['bash', 'jq'],
      ['5.2', '1.7'],
      ['apt', 'apt'],
      ['amd64', ''],
    ]);
  });
});
