import { SharedOsRelease } from './entities/shared-os-release.entity';
import { SharedPackageManager } from './entities/shared-package-manager.entity';
import { SharedInitial1764300000000 } from './migrations/1764300000000-shared-initial';
import { SharedSeedReferenceData1764300000001 } from './migrations/1764300000001-shared-seed-reference-data';

export const SHARED_ENTITIES = [SharedOsRelease, SharedPackageManager] as const;

/** In application order; the last one is the chain's head. */
export const SHARED_MIGRATIONS = [SharedInitial1764300000000, SharedSeedReferenceData1764300000001] as const;
