export { connectOpenStack, type ConnectedOpenStack } from './connect.js';
export { OpenStackProvider, OPENSTACK_LIST_GRACE_MS, type OpenStackPorts } from './openstack-provider.js';
export { OPENSTACK_DEFAULTS, openStackOptions, type OpenStackOptions, type OpenStackOptionsInput } from './options.js';
export { resolveCloud, searchDirs, type CloudSearch } from './clouds.js';
export { CloudConfigError, INTERFACES, type ResolvedCloud } from './cloud-auth.js';
export { Session, TOKEN_RENEW_BEFORE_MS } from './session.js';
