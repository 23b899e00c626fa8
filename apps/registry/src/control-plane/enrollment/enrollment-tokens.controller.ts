import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CONTROL_PLANE_PREFIX } from '../control-plane.tokens';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { CreateEnrollmentTokenDto } from './enrollment-token.dto';
import { EnrollmentTokenListView, IssuedEnrollmentTokenView } from './enrollment-token.views';
import { EnrollmentTokensService } from './enrollment-tokens.service';
import { uuidPathParam } from './uuid-path-param';

@ApiTags('enrollment-tokens')
@ApiBearerAuth()
@Controller(`${CONTROL_PLANE_PREFIX}/tenants/:id/enrollment-tokens`)
export class EnrollmentTokensController {
  constructor(private readonly tokens: EnrollmentTokensService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: IssuedEnrollmentTokenView, description: 'The token is in this answer only' })
  create(
    @Param('id', UuidParamPipe) tenantId: string,
    @Body() dto: CreateEnrollmentTokenDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.tokens.issue(tenantId, dto, principal);
  }

  @Get()
  @ApiOkResponse({ type: EnrollmentTokenListView, description: 'Without the tokens themselves' })
  list(@Param('id', UuidParamPipe) tenantId: string) {
    return this.tokens.list(tenantId);
  }

  @Delete(':token_id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (also when it already was)' })
  revoke(
    @Param('id', UuidParamPipe) tenantId: string,
    @Param('token_id', uuidPathParam('token_id')) tokenId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.tokens.revoke(tenantId, tokenId, principal);
  }
}
