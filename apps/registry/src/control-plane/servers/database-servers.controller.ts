import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CONTROL_PLANE_PREFIX } from '../control-plane.tokens';
import { CreateDatabaseServerDto } from './create-database-server.dto';
import { DatabaseServersService } from './database-servers.service';

@ApiTags('database-servers')
@ApiBearerAuth()
@Controller(`${CONTROL_PLANE_PREFIX}/database-servers`)
export class DatabaseServersController {
  constructor(private readonly servers: DatabaseServersService) {}

  @Get()
  list() {
    return this.servers.list();
  }

  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateDatabaseServerDto, @CurrentPrincipal() principal: Principal) {
    return this.servers.create(dto, principal);
  }
}
