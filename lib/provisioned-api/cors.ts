import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { acknowledgeRule } from '../core/nag';
import { invalidProp } from '../core/validation';
import type { ProvisionedApiCorsOptions } from './props';

const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE', 'PATCH'];

/** CORS settings with their defaults applied, in one shape for both endpoints. */
export function resolveCors(cors: ProvisionedApiCorsOptions | undefined) {
  if (!cors) return undefined;
  return {
    origins: cors.allowOrigins,
    methods: corsMethods(cors),
    headers: cors.allowHeaders ?? ['content-type', 'authorization'],
    exposeHeaders: cors.exposeHeaders,
    allowCredentials: cors.allowCredentials,
    maxAge: cors.maxAge ?? Duration.hours(1),
  };
}

function corsMethods(cors: ProvisionedApiCorsOptions): string[] {
  return cors.allowMethods ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
}

export function validateCors(scope: IConstruct, cors: ProvisionedApiCorsOptions): void {
  if (cors.allowOrigins.length === 0) {
    invalidProp(scope, 'cors.allowOrigins', 'must list at least one origin (given an empty list)',
      'list the origins of your web app, e.g. [\'https://shop.example.com\'], or remove cors');
  }
  for (const method of cors.allowMethods ?? []) {
    if (!CORS_METHODS.includes(method)) {
      invalidProp(scope, 'cors.allowMethods', `method '${method}' is not one of ${CORS_METHODS.join(', ')}`,
        'use upper-case method names; OPTIONS preflights are answered for you');
    }
  }
  if (cors.allowCredentials && cors.allowOrigins.includes('*')) {
    invalidProp(scope, 'cors.allowCredentials', 'cannot be combined with the \'*\' origin (browsers reject it)',
      'list the exact origins that send credentials');
  }
}

/** CORS of the HTTP API's preflight answers. */
export function httpApiCorsPreflight(cors: ReturnType<typeof resolveCors>): apigwv2.CorsPreflightOptions | undefined {
  return cors ? {
    allowOrigins: cors.origins,
    allowMethods: cors.methods.map((m) => m as apigwv2.CorsHttpMethod),
    allowHeaders: cors.headers,
    exposeHeaders: cors.exposeHeaders,
    allowCredentials: cors.allowCredentials,
    maxAge: cors.maxAge,
  } : undefined;
}

/** CORS of the function URL. */
export function functionUrlCors(cors: ReturnType<typeof resolveCors>): lambda.FunctionUrlCorsOptions | undefined {
  return cors ? {
    allowedOrigins: cors.origins,
    allowedMethods: cors.methods.map((m) => m as lambda.HttpMethod),
    allowedHeaders: cors.headers,
    exposedHeaders: cors.exposeHeaders,
    allowCredentials: cors.allowCredentials,
    maxAge: cors.maxAge,
  } : undefined;
}

/**
 * The authorized `$default` route also catches the browser's preflight OPTIONS requests, which are
 * never signed nor carry a token, so every preflight would be rejected. AWS's fix: OPTIONS routes
 * without authorization, which take priority over `$default`; API Gateway answers them from the CORS settings.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
 */
export function addPreflightRoutes(api: apigwv2.HttpApi, integration: apigwv2.HttpRouteIntegration): void {
  for (const path of ['/', '/{proxy+}']) {
    for (const route of api.addRoutes({
      path, methods: [apigwv2.HttpMethod.OPTIONS], integration, authorizer: new apigwv2.HttpNoneAuthorizer(),
    })) {
      acknowledgeRule(route, 'AwsSolutions-APIG4', 'CORS preflight (OPTIONS) route: browsers never authenticate a '
        + 'preflight, and API Gateway answers it from the CORS configuration; every other method keeps the authorizer');
    }
  }
}
