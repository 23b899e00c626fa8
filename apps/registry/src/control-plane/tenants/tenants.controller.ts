import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CONTROL_PLANE_PREFIX } from '../control-plane.tokens';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { TenantLifecycleService } from '../jobs/tenant-lifecycle.service';
import {
  CreateTenantDto,
  DeleteTenantDto,
  ListTenantsQueryDto,
  mergeConfirmation,
  PlacementRequestDto,
} from './tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller(`${CONTROL_PLANE_PREFIX}/tenants`)
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly lifecycle: TenantLifecycleService,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateTenantDto, @CurrentPrincipal() principal: Principal) {
    return this.tenants.create(dto, principal);
  }

  @Get()
  list(@Query() query: ListTenantsQueryDto) {
    return this.tenants.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string) {
    return this.tenants.get(id);
  }

  @Post(':id/provision')
  @HttpCode(202)
  provision(@Param('id', UuidParamPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.provision(id, principal);
  }

  @Post(':id/suspend')
  @HttpCode(202)
  suspend(@Param('id', UuidParamPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.suspend(id, principal);
  }

  @Post(':id/resume')
  @HttpCode(202)
  resume(@Param('id', UuidParamPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.resume(id, principal);
  }

  @Delete(':id')
  @HttpCode(202)
  remove(
    @Param('id', UuidParamPipe) id: string,
    @Query() query: DeleteTenantDto,
    @Body() body: DeleteTenantDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.lifecycle.deprovision(id, mergeConfirmation(query, body), principal);
  }

  @Get(':id/placement')
  getPlacement(@Param('id', UuidParamPipe) id: string) {
    return this.tenants.getPlacement(id);
  }

  @Put(':id/placement')
  updatePlacement(
    @Param('id', UuidParamPipe) id: string,
    @Body() wish: PlacementRequestDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.tenants.updatePlacement(id, wish, principal);
  }
}
