import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The README quick start: `npx cdk synth` synthesizes the demo app without AWS credentials.
 * Runs the real CLI with aws-cdk-lib's template validation on (the one synth that keeps it).
 */
const repoRoot = path.join(__dirname, '..');

test('npx cdk synth writes the demo app to cdk.out without credentials', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'csp-demo-'));
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'none-here' };
  delete env.CDK_VALIDATION;
  try {
    execFileSync('npx', ['cdk', 'synth', '-q', '--output', outdir], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'ServerlessPatternsDemo.template.json'), 'utf8'));
    const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    // Every construct of the library appears in the demo, with its characteristic resources.
    expect(types).toEqual(expect.arrayContaining([
      'AWS::SQS::Queue', 'AWS::Lambda::EventSourceMapping', 'AWS::DynamoDB::Table', 'AWS::CloudWatch::Alarm',
      'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::StepFunctions::StateMachine', 'AWS::Lambda::Alias',
      'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApiGatewayV2::Api', 'AWS::Lambda::EventInvokeConfig',
      'AWS::Kinesis::Stream', 'AWS::S3::Bucket',
    ]));
    const ids = Object.keys(template.Resources);
    for (const construct of ['OrderWorker', 'UploadPipeline', 'OrderSaga', 'CheckoutApi', 'UploadIndexer']) {
      expect(ids.filter((id) => id.startsWith(construct)).length).toBeGreaterThan(3);
    }
    for (const construct of ['OrdersProjector', 'OrderEventsWorker']) expect(ids.filter((id) => id.startsWith(construct)).length).toBeGreaterThan(3);
    for (const job of ['NightlyReport', 'RestockJob', 'ReconcileJob']) expect(ids.filter((id) => id.startsWith(job)).length).toBeGreaterThan(3);
    expect(types).toEqual(expect.arrayContaining(['AWS::Scheduler::Schedule', 'AWS::Scheduler::ScheduleGroup']));
    // The Python worker (examples/python-worker.ts): its own function in python3.14 (the newest the CloudFormation schema lists) with the Python entry point.
    const pythonFunctions = Object.entries(template.Resources as Record<string, { Type: string; Properties: { Runtime?: string; Handler?: string } }>)
      .filter(([id, r]) => id.startsWith('PythonOrderWorker') && r.Type === 'AWS::Lambda::Function').map(([, r]) => r.Properties);
    expect(pythonFunctions).toEqual([expect.objectContaining({ Runtime: 'python3.14', Handler: 'sqs_worker.handler' })]);
    // The guardrails ran over the whole app and reported the concurrency budget.
    const metadata = JSON.parse(fs.readFileSync(path.join(outdir, 'ServerlessPatternsDemo.metadata.json'), 'utf8')) as
      Record<string, Array<{ type: string; data: string }>>;
    const infos = Object.values(metadata).flat().filter((m) => m.type === 'aws:cdk:info').map((m) => m.data);
    expect(infos).toEqual(expect.arrayContaining([expect.stringMatching(/SPG-CONCURRENCY-BUDGET.*reserve 76 of the account limit 1000/)]));
    // The cost report wrote its JSON into the cloud assembly folder; the dashboard is in the template.
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'serverless-cost.json'), 'utf8')).constructs).toHaveLength(13);
    expect(types).toContain('AWS::CloudWatch::Dashboard');
    const errors = Object.values(metadata).flat().filter((m) => m.type === 'aws:cdk:error');
    expect(errors).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);
