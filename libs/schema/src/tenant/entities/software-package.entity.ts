import { Column, Entity, ForeignKey, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { Host } from './host.entity';

/**
 * A host's installed package, upserted on its natural key. `architecture` is
 * NOT NULL with '' for "none reported" because NULLs never conflict in a
 * unique constraint and would let duplicates in.
 */
@Entity({ name: 'software_packages' })
@Unique('software_packages_host_package_key', ['hostId', 'packageManager', 'name', 'architecture'])
export class SoftwarePackage {
  /** bigint: returned by pg as a string. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'software_packages_pkey' })
  id!: string;

  @Column({ type: 'uuid', name: 'host_id' })
  @ForeignKey(() => Host, { name: 'software_packages_host_id_fkey', onDelete: 'CASCADE' })
  hostId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  version!: string;

  /** Key of shared_package_managers (checked in code: it lives in another partition). */
  @Column({ type: 'text', name: 'package_manager' })
  packageManager!: string;

  @Column({ type: 'text', default: '' })
  architecture!: string;

  /** Repository or origin, when the package manager reports one. */
  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
