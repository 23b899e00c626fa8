/** One seeded OS release; dates are `YYYY-MM-DD`. */
export interface OsReleaseSeed {
  osFamily: 'linux' | 'bsd' | 'windows' | 'macos';
  osName: string;
  version: string;
  codename: string | null;
  releaseDate: string;
  /** End of the vendor's regular security updates; null where not published as an exact date. */
  endOfSupportDate: string | null;
  lts: boolean;
}

/**
 * A deliberately small dataset of releases whose dates are published by the
 * vendors. Where a vendor only announces a month (Ubuntu's newer LTS
 * releases) or nothing (macOS), the end date is left null rather than guessed.
 */
export const OS_RELEASE_SEED: readonly OsReleaseSeed[] = [
  {
    osFamily: 'linux',
    osName: 'Ubuntu',
    version: '18.04',
    codename: 'Bionic Beaver',
    releaseDate: '2018-04-26',
    endOfSupportDate: '2023-05-31',
    lts: true,
  },
  {
    osFamily: 'linux',
    osName: 'Ubuntu',
    version: '20.04',
    codename: 'Focal Fossa',
    releaseDate: '2020-04-23',
    endOfSupportDate: '2025-05-31',
    lts: true,
  },
  {
    osFamily: 'linux',
    osName: 'Ubuntu',
    version: '22.04',
    codename: 'Jammy Jellyfish',
    releaseDate: '2022-04-21',
    endOfSupportDate: null,
    lts: true,
  },
  {
    osFamily: 'linux',
    osName: 'Ubuntu',
    version: '24.04',
    codename: 'Noble Numbat',
    releaseDate: '2024-04-25',
    endOfSupportDate: null,
    lts: true,
  },
  {
    osFamily: 'linux',
    osName: 'Debian',
    version: '10',
    codename: 'buster',
    releaseDate: '2019-07-06',
    endOfSupportDate: '2022-06-30',
    lts: false,
  },
  {
    osFamily: 'linux',
    osName: 'Debian',
    version: '11',
    codename: 'bullseye',
    releaseDate: '2021-08-14',
    endOfSupportDate: '2024-08-14',
    lts: false,
  },
  {
    osFamily: 'linux',
    osName: 'Debian',
    version: '12',
    codename: 'bookworm',
    releaseDate: '2023-06-10',
    endOfSupportDate: null,
    lts: false,
  },
  {
    osFamily: 'linux',
    osName: 'Debian',
    version: '13',
    codename: 'trixie',
    releaseDate: '2025-08-09',
    endOfSupportDate: null,
    lts: false,
  },
  {
    osFamily: 'linux',
    osName: 'Red Hat Enterprise Linux',
    version: '7',
    codename: 'Maipo',
    releaseDate: '2014-06-10',
    endOfSupportDate: '2024-06-30',
    lts: false,
  },
  {
    osFamily: 'linux',
    osName: 'Red Hat Enterprise Linux',
    version: '8',
    codename: 'Ootpa',
    releaseDate: '2019-05-07',
    endOfSupportDate: '2029-05-31',
    lts: false,
  },
  {
    osFamily: 'linux',
    osName: 'Red Hat Enterprise Linux',
    version: '9',
    codename: 'Plow',
    releaseDate: '2022-05-17',
    endOfSupportDate: '2032-05-31',
    lts: false,
  },
  {
    osFamily: 'bsd',
    osName: 'FreeBSD',
    version: '13',
    codename: null,
    releaseDate: '2021-04-13',
    endOfSupportDate: '2026-04-30',
    lts: false,
  },
  {
    osFamily: 'bsd',
    osName: 'FreeBSD',
    version: '14',
    codename: null,
    releaseDate: '2023-11-20',
    endOfSupportDate: '2028-11-30',
    lts: false,
  },
  {
    osFamily: 'windows',
    osName: 'Windows',
    version: '10',
    codename: null,
    releaseDate: '2015-07-29',
    endOfSupportDate: '2025-10-14',
    lts: false,
  },
  {
    osFamily: 'windows',
    osName: 'Windows',
    version: '11',
    codename: null,
    releaseDate: '2021-10-05',
    endOfSupportDate: null,
    lts: false,
  },
  {
    osFamily: 'windows',
    osName: 'Windows Server',
    version: '2019',
    codename: null,
    releaseDate: '2018-10-02',
    endOfSupportDate: '2029-01-09',
    lts: true,
  },
  {
    osFamily: 'windows',
    osName: 'Windows Server',
    version: '2022',
    codename: null,
    releaseDate: '2021-08-18',
    endOfSupportDate: '2031-10-14',
    lts: true,
  },
  {
    osFamily: 'macos',
    osName: 'macOS',
    version: '13',
    codename: 'Ventura',
    releaseDate: '2022-10-24',
    endOfSupportDate: null,
    lts: false,
  },
  {
    osFamily: 'macos',
    osName: 'macOS',
    version: '14',
    codename: 'Sonoma',
    releaseDate: '2023-09-26',
    endOfSupportDate: null,
    lts: false,
  },
  {
    osFamily: 'macos',
    osName: 'macOS',
    version: '15',
    codename: 'Sequoia',
    releaseDate: '2024-09-16',
    endOfSupportDate: null,
    lts: false,
  },
];
