/** The migration chains, in the order they are applied (registry -> shared -> tenant). */
export const CHAIN_ORDER = ['registry', 'shared', 'tenant'] as const;
export type ChainName = (typeof CHAIN_ORDER)[number];

export function isChainName(value: string): value is ChainName {
  return (CHAIN_ORDER as readonly string[]).includes(value);
}
