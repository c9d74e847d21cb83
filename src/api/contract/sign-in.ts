import { z } from 'zod';
import { ROLES } from '../../domain/access.js';

/** `GET /api/auth/config`: whether people can sign in here, and where the dashboard sends them to. */
export const SignInConfigSchema = z.strictObject({ oidc: z.boolean(), loginUrl: z.string().optional() });
export type SignInConfig = z.infer<typeof SignInConfigSchema>;

/** `POST /api/auth/device`: what `flotte login` shows the person, and the code it polls with. */
export const DeviceStartSchema = z.strictObject({
  deviceCode: z.string(),
  userCode: z.string(),
  verificationUri: z.string(),
  verificationUriComplete: z.string().optional(),
  expiresIn: z.number(),
  interval: z.number(),
});
export type DeviceStart = z.infer<typeof DeviceStartSchema>;

/** `POST /api/auth/device/token` body. */
export const DevicePollSchema = z.strictObject({ deviceCode: z.string().min(1).max(4096) });

/** `POST /api/auth/device/token` answer: keep polling, or the session's secret (shown once). */
export const DeviceTokenSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('pending') }),
  z.strictObject({ status: z.literal('slow_down') }),
  z.strictObject({ status: z.literal('done'), secret: z.string(), name: z.string(), role: z.enum(ROLES), expiresAt: z.string() }),
]);
export type DeviceToken = z.infer<typeof DeviceTokenSchema>;

/** `POST /api/auth/logout` answer: false when the session had already ended. */
export const LogoutSchema = z.strictObject({ loggedOut: z.boolean() });
export type Logout = z.infer<typeof LogoutSchema>;
