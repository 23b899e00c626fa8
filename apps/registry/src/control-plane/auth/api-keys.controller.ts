import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CONTROL_PLANE_PREFIX } from '../control-plane.tokens';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './create-api-key.dto';
import { CurrentPrincipal, type Principal } from './principal';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller(`${CONTROL_PLANE_PREFIX}/api-keys`)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateApiKeyDto, @CurrentPrincipal() principal: Principal) {
    return this.keys.issue(dto, principal);
  }
}
