import { plainToInstance, Type, type ClassConstructor } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidateNested,
} from 'class-validator';
import type { FieldError } from '../validation/contract.error';
import { flattenValidationErrors } from '../validation/validate-message';
import {
  AGENT_LIMITS,
  AGENT_MESSAGE_TYPES,
  type AgentMessageType,
  type HeartbeatPayload,
  type SoftwareInventoryPayload,
  type SoftwarePackagePayload,
  type SystemInfoPayload,
} from './agent-payloads';

/** Longest free-text identity value an agent may send (hostnames, OS names, versions). */
const MAX_TEXT = 255;
/** Most IP addresses one system_info may list. */
export const MAX_IP_ADDRESSES = 64;

const FINITE = { allowNaN: false, allowInfinity: false } as const;

/** Validation rules of a `heartbeat` payload (the shape is HeartbeatPayload). */
export class HeartbeatPayloadRules implements HeartbeatPayload {
  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  @Max(100)
  cpu_percent?: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  @Max(100)
  memory_percent?: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  @Max(100)
  disk_percent?: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  load_average_1m?: number;

  @IsOptional()
  @IsObject()
  metrics?: Record<string, unknown>;
}

/** Validation rules of a `system_info` payload; undeclared keys are allowed and kept. */
export class SystemInfoPayloadRules implements SystemInfoPayload {
  [key: string]: unknown;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TEXT)
  hostname?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  fqdn?: string;

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

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_IP_ADDRESSES)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  ip_addresses?: string[];
}

export class SoftwarePackageRules implements SoftwarePackagePayload {
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TEXT)
  name!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TEXT)
  version!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(64)
  package_manager!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  architecture?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  source?: string;
}

/** Validation rules of a `software_inventory` payload. */
export class SoftwareInventoryPayloadRules implements SoftwareInventoryPayload {
  @IsArray()
  @ArrayMaxSize(AGENT_LIMITS.maxPackages)
  @ValidateNested({ each: true })
  @Type(() => SoftwarePackageRules)
  packages!: SoftwarePackageRules[];

  @IsOptional()
  @IsBoolean()
  complete?: boolean;
}

/** The rules class of each agent message type. */
export const AGENT_PAYLOAD_RULES: Readonly<Record<AgentMessageType, ClassConstructor<object>>> = {
  heartbeat: HeartbeatPayloadRules,
  system_info: SystemInfoPayloadRules,
  software_inventory: SoftwareInventoryPayloadRules,
};

/**
 * Checks one payload against its type's rules and returns the failed fields
 * (empty when valid). The payload itself is not changed: the caller publishes
 * the agent's object as sent, undeclared keys included (kept in jsonb).
 * A nested array that is not an array of objects (e.g. `packages: [1]`) is
 * reported on that element.
 */
export function agentPayloadErrors(type: AgentMessageType, payload: object): FieldError[] {
  const instance = plainToInstance(AGENT_PAYLOAD_RULES[type], payload);
  return flattenValidationErrors(validateSync(instance, { forbidUnknownValues: true }));
}

/** Whether `value` names a message type ingest accepts. */
export function isAgentMessageType(value: unknown): value is AgentMessageType {
  return typeof value === 'string' && (AGENT_MESSAGE_TYPES as readonly string[]).includes(value);
}
