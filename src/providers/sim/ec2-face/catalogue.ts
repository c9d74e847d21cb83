import { FaceError } from './face.js';

/**
 * What the face knows exists, as EC2 would: the images one may launch and the instance types
 * on offer. A request naming anything else is refused with EC2's own codes, so a typo in a
 * user's template fails against the face just as it would against AWS.
 */

/**
 * Images the face knows unless told otherwise (`--images`): the id docs/providers/aws.md and the
 * aws tests launch with, one more long id and one short (pre-2016) id.
 */
export const DEFAULT_IMAGES: readonly string[] = ['ami-0123456789abcdef0', 'ami-0fedcba98765432f0', 'ami-12345678'];

/** EC2's image id shape: `ami-` and 8 or 17 lower-case hex digits. */
export const AMI_ID_RE = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

const BURST = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'];
const STEADY = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', 'metal'];
const GRAVITON = ['medium', ...STEADY];

/** Families and the sizes each offers: current generations, plus m1.small, EC2's default type. */
const FAMILIES: Record<string, readonly string[]> = {
  t2: BURST,
  t3: BURST,
  t3a: BURST,
  t4g: BURST,
  m1: ['small', 'medium', 'large', 'xlarge'],
  ...Object.fromEntries(['m5', 'm5a', 'm5d', 'm5n', 'm6i', 'm6a', 'm6id', 'm7i', 'm7a', 'c5', 'c5a', 'c5d', 'c6i', 'c6a', 'c7i', 'c7a', 'r5', 'r5a', 'r5d', 'r6i', 'r6a', 'r7i', 'r7a'].map((f) => [f, STEADY])),
  ...Object.fromEntries(['m6g', 'm7g', 'c6g', 'c7g', 'r6g', 'r7g'].map((f) => [f, GRAVITON])),
};

export const DEFAULT_INSTANCE_TYPES: readonly string[] = Object.entries(FAMILIES).flatMap(([family, sizes]) => sizes.map((s) => `${family}.${s}`));

/** Malformed → InvalidAMIID.Malformed; well-formed but not in `images` → InvalidAMIID.NotFound. */
export function checkImage(images: ReadonlySet<string>, id: string): void {
  if (!AMI_ID_RE.test(id)) throw new FaceError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
  if (!images.has(id)) throw new FaceError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
}

export function checkInstanceType(types: ReadonlySet<string>, type: string): void {
  if (!types.has(type)) throw new FaceError('InvalidParameterValue', `Invalid value '${type}' for InstanceType.`);
}
