import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { followEvents, get, logout, token, type FleetEvent } from './lib/api.js';
import { useHash } from './lib/hooks.js';
import { frameBatcher, publishLive } from './lib/live.js';
import type { Whoami } from './lib/types.js';
import { ArchitecturePage } from './pages/architecture.js';
import { AuditPage } from './pages/audit.js';
import { EnvironmentsPage } from './pages/environments.js';
import { Login } from './pages/login.js';
import { OperationsPage } from './pages/operations.js';
import { OverviewPage } from './pages/overview.js';
import { PoolPage } from './pages/pool.js';
import type { EventPage } from '../api/contract/index.js';

/** Events shown on arrival, and the most kept as more stream in. */
const RECENT_EVENTS = 100;
const KEPT_EVENTS = 500;

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
  // Undefined until the recent history has loaded: "no events yet" is then a fact, not a guess.
  const [events, setEvents] = useState<FleetEvent[]>();

  useEffect(() => {
    // A pasted token, else the sign-in cookie (if any): whoami answers for whichever the request carries.
    get<Whoami>('/api/v1/whoami').then(setMe, () => token.clear());
  }, []);
  useEffect(() => {
    if (!me) return;
    // Recent events show on arrival; the live stream then starts after the newest of them.
    let stop = () => {};
    let alive = true;
    get<EventPage>(`/api/v1/events?newest=true&limit=${RECENT_EVENTS}`).then((page) => {
      if (!alive) return;
      setEvents(page.items);
      // One render a frame however fast events come: a restart of 2,000 machines sends thousands at once.
      const arrived = frameBatcher<FleetEvent>((batch) => {
        setEvents((list = []) => [...list, ...batch].slice(-KEPT_EVENTS));
        setTick((t) => t + 1);
        publishLive(batch);
      });
      stop = followEvents(
        arrived,
        setLive,
        page.items.at(-1)?.id ?? 0,
      );
    });
    return () => {
      alive = false;
      stop();
    };
  }, [me]);

  if (!me) return <Login onLogin={setMe} />;
  const route = hash.replace(/^#/, '');
  const pool = /^\/pools\/([^/]+)/.exec(route)?.[1];
  const page = pool ? (
    // Keyed by pool: a preview made on one pool's page must never be confirmable on another's.
    <PoolPage key={pool} name={decodeURIComponent(pool)} me={me} tick={tick} />
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
              void logout().finally(() => location.reload());
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
