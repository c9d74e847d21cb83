import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2Client,
  RebootInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type DescribeInstanceStatusCommandInput,
  type DescribeInstanceStatusCommandOutput,
  type DescribeInstancesCommandInput,
  type DescribeInstancesCommandOutput,
  type RebootInstancesCommandInput,
  type RebootInstancesCommandOutput,
  type RunInstancesCommandInput,
  type RunInstancesCommandOutput,
  type StartInstancesCommandInput,
  type StartInstancesCommandOutput,
  type StopInstancesCommandInput,
  type StopInstancesCommandOutput,
  type TerminateInstancesCommandInput,
  type TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2';

/**
 * The only EC2 calls flotte makes, with the SDK's own types: the provider depends on this
 * port, so its tests can run it against the EC2 face (or a real account) without a client of
 * their own, and the IAM policy in docs/providers/aws.md lists exactly these actions.
 */
export interface Ec2Api {
  runInstances(input: RunInstancesCommandInput, signal?: AbortSignal): Promise<RunInstancesCommandOutput>;
  terminateInstances(input: TerminateInstancesCommandInput, signal?: AbortSignal): Promise<TerminateInstancesCommandOutput>;
  rebootInstances(input: RebootInstancesCommandInput, signal?: AbortSignal): Promise<RebootInstancesCommandOutput>;
  stopInstances(input: StopInstancesCommandInput, signal?: AbortSignal): Promise<StopInstancesCommandOutput>;
  startInstances(input: StartInstancesCommandInput, signal?: AbortSignal): Promise<StartInstancesCommandOutput>;
  describeInstances(input: DescribeInstancesCommandInput, signal?: AbortSignal): Promise<DescribeInstancesCommandOutput>;
  describeInstanceStatus(input: DescribeInstanceStatusCommandInput, signal?: AbortSignal): Promise<DescribeInstanceStatusCommandOutput>;
}

export interface Ec2ClientOptions {
  region: string;
  /** For the EC2 face or a VPC endpoint; absent means AWS's own. */
  endpoint?: string | undefined;
  /** SDK attempts per call. flotte's limiter retries above this, on its clock: keep it small. */
  maxAttempts?: number | undefined;
  /** Static keys (the EC2 face takes any); absent means the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** The production adapter: one `client.send` per call, adaptive retry, default credential chain. */
export function ec2Client(o: Ec2ClientOptions): Ec2Api {
  const client = new EC2Client({
    region: o.region,
    retryMode: 'adaptive',
    maxAttempts: o.maxAttempts ?? 2,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
  });
  // RunInstances is never retried by the SDK: a 5xx or a dropped connection may follow a launch
  // EC2 carried out, and an endpoint that does not keep ClientToken would launch it twice.
  // Throttles come back to flotte's limiter, which retries them; the controller resolves the rest.
  const launcher = new EC2Client({
    region: o.region,
    maxAttempts: 1,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
  });
  const opts = (signal?: AbortSignal) => (signal ? { abortSignal: signal } : {});
  return {
    runInstances: (i, s) => launcher.send(new RunInstancesCommand(i), opts(s)),
    terminateInstances: (i, s) => client.send(new TerminateInstancesCommand(i), opts(s)),
    rebootInstances: (i, s) => client.send(new RebootInstancesCommand(i), opts(s)),
    stopInstances: (i, s) => client.send(new StopInstancesCommand(i), opts(s)),
    startInstances: (i, s) => client.send(new StartInstancesCommand(i), opts(s)),
    describeInstances: (i, s) => client.send(new DescribeInstancesCommand(i), opts(s)),
    describeInstanceStatus: (i, s) => client.send(new DescribeInstanceStatusCommand(i), opts(s)),
  };
}
