import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A PostgreSQL instance tenants can be placed on. */
@Entity({ name: 'registry_database_servers' })
@Unique('registry_database_servers_name_key', ['name'])
@Check('registry_database_servers_port_check', `"port" BETWEEN 1 AND 65535`)
@Check('registry_database_servers_capacity_check', `"capacity" >= 0`)
export class RegistryDatabaseServer {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'registry_database_servers_pkey' })
  id!: string;

  /** Operator-facing name; also the OpenBAO `database/config/<name>` connection name. */
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  host!: string;

  @Column({ type: 'integer', default: 5432 })
  port!: number;

  @Column({ type: 'text' })
  region!: string;

  @Column({ type: 'text' })
  jurisdiction!: string;

  /** How many tenant databases this server may hold. */
  @Column({ type: 'integer' })
  capacity!: number;

  /** The database administrative connections use (never one tenants can reach). */
  @Column({ type: 'text', name: 'maintenance_database', default: 'postgres' })
  maintenanceDatabase!: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
