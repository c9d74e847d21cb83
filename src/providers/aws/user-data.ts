import { agentCloudInit, type AgentJoin as Join } from '../agent-cloud-init.js';

/** What the machine's agent needs to join its pool, plus the flotte package a stock AMI installs. */
export interface AgentJoin extends Join {
  /** npm spec of the agent package, e.g. `flotte@0.1.0`. */
  packageSpec: string;
}

/** cloud-init for EC2: installs Node and flotte, then runs the agent with IMDSv2 identity. */
export const agentUserData = (j: AgentJoin): string => agentCloudInit(j, { identity: 'aws', install: j.packageSpec });

/** RunInstances wants user-data base64-encoded by the caller (the SDK does not encode it). */
export const base64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
