export { Ec2Face, FACE_ACTIONS, FaceError, type Ec2FaceOptions, type FaceInstance, type ScheduledEvent } from './face.js';
export { ec2Handler, serveEc2Face, type Ec2Listener, type RunningFace } from './server.js';
export { ec2Id, simId } from './ids.js';
export { serveImds } from './imds.js';
export { AMI_ID_RE, DEFAULT_IMAGES, DEFAULT_INSTANCE_TYPES } from './catalogue.js';
