import { Controller, Get, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { HttpMetrics } from './http-metrics';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: HttpMetrics) {}

  @Get()
  async scrape(@Res({ passthrough: true }) res: ServerResponse): Promise<string> {
    const { contentType, body } = await this.metrics.render();
    res.setHeader('Content-Type', contentType);
    return body;
  }
}
