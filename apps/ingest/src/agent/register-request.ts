import type { HostIdentity } from '@sysmanage/tenancy';
import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, MinLength, validateSync } from 'class-validator';
import { AgentError, AgentErrorCode } from './agent-error';

const MAX_TEXT = 255;
/** machine_id: 1-128 visible ASCII characters (systemd's is 32 hex digits; others use UUIDs or serials). */
export const MACHINE_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** `POST /api/v1/agent/register` body (snake_case, as agents send it); other keys are ignored. */
export class RegisterRequest {
  /** `sme_...`; its format is checked by the redemption (a refusal, not a validation error: no oracle). */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  enrollment_token?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TEXT)
  hostname!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  fqdn?: string;

  @IsString()
  @Matches(MACHINE_ID_PATTERN, {
    message: 'machine_id must be 1-128 printable ASCII characters without spaces',
  })
  machine_id!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  os?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  os_version?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  agent_version?: string;
}

/** A registration body checked against RegisterRequest: the token (if any) and the host's identity. */
export function parseRegisterRequest(body: unknown): {
  enrollmentToken: string | null;
  identity: HostIdentity;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AgentError(AgentErrorCode.VALIDATION_FAILED, 'body must be a JSON object');
  }
  const request = plainToInstance(RegisterRequest, body);
  const [first] = validateSync(request, { forbidUnknownValues: true });
  if (first) {
    const messages = Object.values(first.constraints ?? {}).join(', ');
    throw new AgentError(
      AgentErrorCode.VALIDATION_FAILED,
      `invalid registration: ${first.property}: ${messages}`,
      {
        field: first.property,
      },
    );
  }
  return {
    enrollmentToken: request.enrollment_token ?? null,
    identity: {
      hostname: request.hostname,
      fqdn: request.fqdn ?? null,
      machineId: request.machine_id,
      os: request.os ?? null,
      osVersion: request.os_version ?? null,
      agentVersion: request.agent_version ?? null,
    },
  };
}
