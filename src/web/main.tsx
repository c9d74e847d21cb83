import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { followEvents, get, token, type FleetEvent } from './lib/api.js';
import { useHash } from './lib/hooks.js';
import type { Whoami } from './lib/types.js';
import { ArchitecturePage } from './pages/architecture.js';
import { AuditPage } from './pages/audit.js';
import { EnvironmentsPage } from './pages/environments.js';
import { Login } from './pages/login.js';
import { OperationsPage } from './pages/operations.js';
import { OverviewPage } from './pages/overview.js';
import { PoolPage } from './pages/pool.js';
import type { EventPage } from '../api/contract/index.js';

const NAV = [
  ['#/', 'Overview'],
  ['#/architecture', 'Architecture'],
  ['#/ops', 'Operations'],
  ['#/audit', 'Audit log'],
  ['#/envs', 'Environments'],
] as const;

function App() {
  const hash = useHash();
  const [me, setMe] = useState<Whoami>();
  const [live, setLive] = useState(false);
  const [tick, setTick] = useState(0);
  const [events, setEvents] = useState<FleetEvent[]>([]);

  useEffect(() => {
    if (!token.get()) return;
    get<Whoami>('/api/v1/whoami').then(setMe, () => token.clear());
  }, []);
  useEffect(() => {
    if (!me) return;
    // Start the live stream after the newest stored event: the pages load history themselves.
    let stop = () => {};
    get<EventPage>('/api/v1/events?limit=1000').then((page) => {
      const after = page.items.at(-1)?.id ?? 0;
      stop = followEvents(
        (e) => {
          setEvents((list) => [...list.slice(-499), e]);
          setTick((t) => t + 1);
        },
        setLive,
        after,
      );
    });
    return () => stop();
  }, [me]);

  if (!me) return <Login onLogin={setMe} />;
  const route = hash.replace(/^#/, '');
  const pool = /^\/pools\/([^/]+)/.exec(route)?.[1];
  const page = pool ? (
    <PoolPage name={decodeURIComponent(pool)} me={me} tick={tick} />
  ) : route === '/architecture' ? (
    <ArchitecturePage tick={tick} />
  ) : route === '/ops' ? (
    <OperationsPage me={me} tick={tick} />
  ) : route === '/envs' ? (
    <EnvironmentsPage me={me} />
  ) : route === '/audit' ? (
    <AuditPage />
  ) : (
    <OverviewPage tick={tick} events={events} />
  );
  return (
    <>
      <header>
        <strong>flotte</strong>
        <nav aria-label="main">
          {NAV.map(([href, label]) => (
            <a href={href} aria-current={hash === href || (href !== '#/' && hash.startsWith(href)) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">
          <span class={`badge ${live ? '' : 'warn'}`} title="live event stream">{live ? 'live' : 'reconnecting'}</span> {me.name} ({me.role}){' '}
          <button
            onClick={() => {
              token.clear();
              location.reload();
            }}
          >
            Log out
          </button>
        </span>
      </header>
      <main>{page}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
