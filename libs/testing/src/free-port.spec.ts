import { createServer } from 'node:net';
import { freePort, freePortPair } from './free-port';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('freePort / freePortPair', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await canListen(port)).toBe(true);
  });

  it('returns P with P and P + 1 both free', async () => {
    const port = await freePortPair();
    expect(await canListen(port)).toBe(true);
    expect(await canListen(port + 1)).toBe(true);
  });
});
