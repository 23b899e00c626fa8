import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { REGISTRY_VERSION } from '../status/registry-version';

export const OPENAPI_UI_PATH = 'api/docs';
/** SwaggerModule serves the JSON document at `<ui path>-json`. */
export const OPENAPI_JSON_PATH = `${OPENAPI_UI_PATH}-json`;
export const BEARER_SCHEME = 'bearer';

/**
 * Mounts Swagger UI at /api/docs and the document at /api/docs-json (public:
 * plain HTTP routes outside the guarded Nest routes). The document is built
 * on first request, once every controller is registered.
 */
export function mountOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('SysManage registry control plane')
    .setDescription(
      'Tenants, placements, database servers, provisioning, enrollment tokens and the host index. Errors are application/problem+json with a stable `code`.',
    )
    .setVersion(REGISTRY_VERSION)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'Control-plane API key' },
      BEARER_SCHEME,
    )
    .build();
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}
