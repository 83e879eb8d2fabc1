import { Annotations, Duration, TimeZone } from 'aws-cdk-lib';
import { HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HandlerCode, ProvisionedApi } from '../lib';

/**
 * A checkout pricing API where cold starts are unacceptable: 5 warm environments in business
 * hours (New York), 1 at night and on weekends, autoscaling up to 20 on utilization.
 */
export function addProvisionedApiDemo(scope: Construct, alarmTopic: sns.ITopic): ProvisionedApi {
  const api = new ProvisionedApi(scope, 'CheckoutApi', {
    handler: HandlerCode.bundled('provisioned-api/example'),
    memorySize: 1024,
    timeout: Duration.seconds(6),
    provisionedConcurrency: 5,
    reservedConcurrency: 40,
    autoScaling: { minCapacity: 1, maxCapacity: 20 },
    utilizationTarget: 0.7,
    schedule: {
      scaleUp: '0 8 ? * MON-FRI *',
      scaleDown: '0 20 ? * MON-FRI *',
      timeZone: TimeZone.AMERICA_NEW_YORK,
      peakMin: 5,
      offPeakMin: 1,
    },
    throttling: { rateLimit: 200, burstLimit: 400 },
    cors: { allowOrigins: ['https://shop.example.com'], allowMethods: ['GET', 'POST'] },
    latencyThreshold: Duration.millis(500),
    // Price quotes are public (anonymous shoppers price their cart); the stage throttling caps abuse.
    // An API that handles customer data keeps the IAM default or passes an HttpJwtAuthorizer.
    authorizer: new HttpNoneAuthorizer(),
    alarmTopic,
    expectedLoad: { perMonth: 5_000_000, averageDuration: Duration.millis(45) },
  });
  Annotations.of(api).acknowledgeWarning('cdk-serverless-patterns:ProvisionedApi.publicHttpApi',
    'public price-quote API: no customer data, throttled at the stage');
  return api;
}
