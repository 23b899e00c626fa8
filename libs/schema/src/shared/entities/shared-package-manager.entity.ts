import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** The package managers agents may report packages from; the key is what agents send. */
@Entity({ name: 'shared_package_managers' })
@Check('shared_package_managers_name_check', `"name" ~ '^[a-z][a-z0-9_-]{0,31}$'`)
@Check('shared_package_managers_family_check', `"os_family" IN ('linux', 'bsd', 'windows', 'macos')`)
export class SharedPackageManager {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'shared_package_managers_pkey' })
  name!: string;

  @Column({ type: 'text', name: 'display_name' })
  displayName!: string;

  /** The OS family it belongs to (same vocabulary as shared_os_releases.os_family). */
  @Column({ type: 'text', name: 'os_family' })
  osFamily!: string;
}
