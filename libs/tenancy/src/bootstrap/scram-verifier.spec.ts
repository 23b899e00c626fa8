import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { randomPassword, scramSha256Verifier } from './scram-verifier';

describe('scramSha256Verifier', () => {
  it('renders PostgreSQL’s SCRAM-SHA-256 verifier format with keys derived from the password and salt', () => {
    const salt = Buffer.alloc(16, 7);
    const verifier = scramSha256Verifier('pencil', salt);
    const [head, keys] = verifier.split('$').slice(1);
    expect(verifier.startsWith('SCRAM-SHA-256$4096:')).toBe(true);
    expect(head).toBe(`4096:${salt.toString('base64')}`);
    const salted = pbkdf2Sync('pencil', salt, 4096, 32, 'sha256');
    const stored = createHash('sha256')
      .update(createHmac('sha256', salted).update('Client Key').digest())
      .digest('base64');
    const server = createHmac('sha256', salted).update('Server Key').digest('base64');
    expect(keys).toBe(`${stored}:${server}`);
  });

  it('uses a fresh salt each time, and refuses non-ASCII passwords', () => {
    expect(scramSha256Verifier('same')).not.toBe(scramSha256Verifier('same'));
    expect(() => scramSha256Verifier('pässword')).toThrow(
      'scramSha256Verifier: only printable ASCII passwords are supported',
    );
  });

  it('generates 64 hex characters of password', () => {
    expect(randomPassword()).toMatch(/^[0-9a-f]{64}$/);
    expect(randomPassword()).not.toBe(randomPassword());
  });
});
