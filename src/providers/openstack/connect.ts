import type { Clock } from '../../clock/clock.js';
import type { ResolvedCloud } from './cloud-auth.js';
import { resolveCloud, type CloudSearch } from './clouds.js';
import { glanceApi, neutronApi } from './glance-neutron.js';
import { httpTransport, type HttpSend } from './http.js';
import { keystoneApi } from './keystone.js';
import { novaApi } from './nova.js';
import { OpenStackProvider } from './openstack-provider.js';
import { openStackOptions, type OpenStackOptionsInput } from './options.js';
import { Session } from './session.js';

export interface ConnectedOpenStack {
  provider: OpenStackProvider;
  session: Session;
  cloud: ResolvedCloud;
}

/**
 * Wires an OpenStack provider from flotte's options: the cloud (clouds.yaml / OS_*), one
 * HTTP transport with its TLS settings, one Keystone session shared by the Nova, Glance and
 * Neutron ports. Nothing is contacted until the first call.
 */
export function connectOpenStack(input: OpenStackOptionsInput, clock: Clock, search: CloudSearch = {}, http?: HttpSend): ConnectedOpenStack {
  const options = openStackOptions(input);
  const resolved = resolveCloud(options.cloud, search);
  const cloud: ResolvedCloud = {
    ...resolved,
    region: options.region ?? resolved.region,
    interface: options.interface ?? resolved.interface,
    tls: { caFile: options.caCert ?? resolved.tls.caFile, insecure: options.insecure ?? resolved.tls.insecure },
  };
  const send = http ?? httpTransport(cloud.tls);
  const now = () => clock.now();
  const session = new Session(keystoneApi(send, cloud.authUrl, now), cloud, send, clock);
  const authed = (req: Parameters<HttpSend>[0]) => session.send(req);
  const endpoint = (type: string) => (signal?: AbortSignal) => session.endpoint(type, signal);
  const provider = new OpenStackProvider(
    {
      nova: novaApi(authed, endpoint('compute'), now),
      glance: glanceApi(authed, endpoint('image'), now),
      neutron: neutronApi(authed, endpoint('network'), now),
      secrets: () => session.secrets(),
    },
    options,
    clock,
  );
  return { provider, session, cloud };
}
