/** The permission list is part of the API contract (whoami answers it); the role matrix is in roles.ts. */
export { PERMISSIONS, type Permission } from './contract/permissions.js';
