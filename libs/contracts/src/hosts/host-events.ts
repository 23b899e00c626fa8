import { IsEnum, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { subjectToken } from '../validation/subject-token';

/** What happened to a host's credential; the last token of the event's subject. */
export enum HostEventKind {
  /** A new host was bound to its tenant (host -> tenant index row committed). */
  ENROLLED = 'enrolled',
  /** The host's credential was revoked by an admin: ingest must refuse it from now on. */
  CREDENTIAL_REVOKED = 'credential_revoked',
}

const PREFIX = 'sysmanage.host.events';

/** Every host event, for ingest's credential cache. */
export const HOST_EVENTS_WILDCARD = `${PREFIX}.*`;

/** `sysmanage.host.events.<kind>`: plain NATS publish, broadcast after the change is committed. */
export function hostEventSubject(kind: HostEventKind): string {
  return `${PREFIX}.${subjectToken(kind, 'host event kind')}`;
}

/** Published by the registry (revocation) and ingest (enrolment) after the registry row is committed. */
export class HostEvent {
  @IsUUID()
  eventId!: string;

  @IsEnum(HostEventKind)
  kind!: HostEventKind;

  @IsUUID()
  tenantId!: string;

  @IsUUID()
  hostId!: string;

  /** The enrollment token the host was admitted with, when there was one. */
  @IsOptional()
  @IsUUID()
  tokenId?: string;

  @IsISO8601({ strict: true })
  occurredAt!: string;
}
