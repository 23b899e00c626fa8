import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CONTROL_PLANE_PREFIX } from '../control-plane.tokens';
import { uuidPathParam } from '../enrollment/uuid-path-param';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { HostIndexPageView } from './host.views';
import { ListHostsQueryDto } from './hosts.dto';
import { HostsService } from './hosts.service';

@ApiTags('hosts')
@ApiBearerAuth()
@Controller(`${CONTROL_PLANE_PREFIX}/tenants/:id/hosts`)
export class HostsController {
  constructor(private readonly hosts: HostsService) {}

  @Get()
  @ApiOkResponse({ type: HostIndexPageView })
  list(@Param('id', UuidParamPipe) tenantId: string, @Query() query: ListHostsQueryDto) {
    return this.hosts.list(tenantId, query);
  }

  @Delete(':host_id/credential')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (also when it already was); ingest is told over NATS' })
  revokeCredential(
    @Param('id', UuidParamPipe) tenantId: string,
    @Param('host_id', uuidPathParam('host_id')) hostId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.hosts.revokeCredential(tenantId, hostId, principal);
  }
}
