import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'sysmanage:public-route';

/** Exempts a controller or handler from API-key authentication. Use only for probes and docs. */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
