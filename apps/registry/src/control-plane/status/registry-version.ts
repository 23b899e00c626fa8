/** The release this registry belongs to (the workspace's package.json version). */
export const REGISTRY_VERSION = '0.1.0';
