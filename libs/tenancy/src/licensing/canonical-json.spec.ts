import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys recursively, keeps array order, drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'x' }], c: true } })).toBe(
      '{"a":{"c":true,"d":[3,{"y":"x","z":null}]},"b":1}',
    );
  });

  it('gives the same text for objects equal up to key order', () => {
    expect(canonicalJson(JSON.parse('{"x":1,"y":[1,2]}'))).toBe(
      canonicalJson(JSON.parse('{ "y": [1, 2], "x": 1 }')),
    );
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson({ 'k"': 'line\nbreak' })).toBe('{"k\\"":"line\\nbreak"}');
  });

  it('rejects values without a JSON form', () => {
    expect(() => canonicalJson({ f: () => 1 })).toThrow('canonicalJson: function has no JSON form');
  });
});
