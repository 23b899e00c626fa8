import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CONTROL_PLANE_PREFIX } from '../control-plane.tokens';
import { StatusService } from './status.service';

@ApiTags('status')
@ApiBearerAuth()
@Controller(CONTROL_PLANE_PREFIX)
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get('status')
  get() {
    return this.status.status();
  }

  @Get('migration-status')
  migrations() {
    return this.status.migrationStatus();
  }
}
