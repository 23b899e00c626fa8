export interface PackageManagerSeed {
  name: string;
  displayName: string;
  osFamily: 'linux' | 'bsd' | 'windows' | 'macos';
}

/** Package managers the SysManage agent reports inventories from. */
export const PACKAGE_MANAGER_SEED: readonly PackageManagerSeed[] = [
  { name: 'apt', displayName: 'APT', osFamily: 'linux' },
  { name: 'dnf', displayName: 'DNF', osFamily: 'linux' },
  { name: 'yum', displayName: 'YUM', osFamily: 'linux' },
  { name: 'zypper', displayName: 'Zypper', osFamily: 'linux' },
  { name: 'snap', displayName: 'Snap', osFamily: 'linux' },
  { name: 'flatpak', displayName: 'Flatpak', osFamily: 'linux' },
  { name: 'pkg', displayName: 'pkg', osFamily: 'bsd' },
  { name: 'homebrew', displayName: 'Homebrew', osFamily: 'macos' },
  { name: 'winget', displayName: 'WinGet', osFamily: 'windows' },
  { name: 'chocolatey', displayName: 'Chocolatey', osFamily: 'windows' },
];
