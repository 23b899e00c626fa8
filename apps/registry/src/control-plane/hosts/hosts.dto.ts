import { OmitType } from '@nestjs/swagger';
import { ListTenantsQueryDto } from '../tenants/tenant.dto';

/** limit (1..200, default 50) and offset, as for tenants. */
export class ListHostsQueryDto extends OmitType(ListTenantsQueryDto, ['status'] as const) {}
