import { Check, Column, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/**
 * OS release lifecycle reference data, identical for every tenant and seeded
 * by the shared chain. `end_of_support_date` is the end of the vendor's
 * regular (non-paid) security updates; null when the vendor has not published
 * one or it is not known precisely.
 */
@Entity({ name: 'shared_os_releases' })
@Unique('shared_os_releases_os_version_key', ['osName', 'version'])
@Check('shared_os_releases_family_check', `"os_family" IN ('linux', 'bsd', 'windows', 'macos')`)
@Check(
  'shared_os_releases_dates_check',
  `"end_of_support_date" IS NULL OR "end_of_support_date" >= "release_date"`,
)
export class SharedOsRelease {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'shared_os_releases_pkey' })
  id!: string;

  /** linux | bsd | windows | macos */
  @Column({ type: 'text', name: 'os_family' })
  osFamily!: string;

  /** Distribution or product as agents report it, e.g. `Ubuntu`, `Debian`, `Windows Server`. */
  @Column({ type: 'text', name: 'os_name' })
  osName!: string;

  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text', nullable: true })
  codename!: string | null;

  /** `YYYY-MM-DD` (TypeORM hands `date` columns back as strings). */
  @Column({ type: 'date', name: 'release_date' })
  releaseDate!: string;

  @Column({ type: 'date', name: 'end_of_support_date', nullable: true })
  endOfSupportDate!: string | null;

  /** The vendor designates the release long-term support (Ubuntu LTS, Windows LTSC). */
  @Column({ type: 'boolean', default: false })
  lts!: boolean;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
