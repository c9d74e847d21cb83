import type { Ec2ClientOptions } from './ec2-api.js';
import type { AgentJoin } from './user-data.js';

/** EC2 launch settings beside the template's image, sizes and zones. */
export interface LaunchSettings {
  /** An EC2 launch template; the flotte template's image then overrides its AMI unless `image: launch-template`. */
  launchTemplate?: { id?: string | undefined; name?: string | undefined; version?: string | undefined } | undefined;
  /** One subnet per zone: launches in a zone go to its subnet. */
  subnets?: Record<string, string> | undefined;
  securityGroupIds?: string[] | undefined;
  keyName?: string | undefined;
  /** Instance profile name, or ARN when it starts with `arn:`. */
  iamInstanceProfile?: string | undefined;
  blockDevices?: { deviceName: string; volumeSize: number; volumeType?: string | undefined; encrypted?: boolean | undefined }[] | undefined;
  /** On-demand machines every pool keeps first, then `spotPercentage` of the rest on Spot (ASG's mixed instances policy). */
  market?: { onDemandBase: number; spotPercentage: number } | undefined;
  /** When set, user-data is generated to install and start `flotte agent` (unless the template brings its own). */
  agent?: Omit<AgentJoin, 'pool'> | undefined;
}

/** Everything the aws provider takes: client settings, launch settings, and per-template overrides. */
export interface AwsProviderOptions extends Ec2ClientOptions, LaunchSettings {
  /** Settings that differ per flotte template, by template name. */
  templates?: Record<string, LaunchSettings> | undefined;
}

/** The template's settings over the provider's: the template wins field by field. */
export function settingsFor(o: AwsProviderOptions, template: string): LaunchSettings {
  return { ...o, ...o.templates?.[template] };
}
