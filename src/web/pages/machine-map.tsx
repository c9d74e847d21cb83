import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { cellAt, cellOrigin, layoutMap, type MapLayout } from '../lib/map-layout.js';
import { stateColors, STATES, stateVar, type State } from '../lib/states.js';
import type { MachineRow } from '../lib/types.js';

/**
 * One cell per machine on a canvas, coloured by state. Between renders only the cells whose
 * state changed are repainted, so 2,000 machines changing at once costs 2,000 small fills.
 */
export function MachineMap({ machines, onPick }: { machines: readonly MachineRow[]; onPick: (m: MachineRow) => void }) {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const painted = useRef<{ layout: MapLayout; ids: string[]; states: string[] } | null>(null);
  const [width, setWidth] = useState(800);
  const [hover, setHover] = useState<{ m: MachineRow; x: number; y: number } | null>(null);
  const [focus, setFocus] = useState(0);
  const [inside, setInside] = useState(false);

  useLayoutEffect(() => {
    const el = wrap.current!;
    const measure = () => setWidth(el.clientWidth);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // A layout effect: the cells are painted in the frame that rendered the change, not one later.
  useLayoutEffect(() => {
    const started = performance.now();
    let changed = 0;
    const c = canvas.current!;
    const ctx = c.getContext('2d')!;
    const layout = layoutMap(machines.length, width);
    const colors = stateColors();
    const prev = painted.current;
    const full = !prev || prev.layout.width !== layout.width || prev.layout.cols !== layout.cols || prev.ids.length !== machines.length;
    if (full) {
      const dpr = window.devicePixelRatio || 1;
      c.width = layout.width * dpr;
      c.height = layout.height * dpr;
      c.style.width = `${layout.width}px`;
      c.style.height = `${layout.height}px`;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, layout.width, layout.height);
    }
    machines.forEach((m, i) => {
      if (!full && prev!.ids[i] === m.id && prev!.states[i] === m.state) return;
      changed++;
      const o = cellOrigin(layout, i);
      ctx.fillStyle = colors[m.state as State] ?? '#888';
      ctx.fillRect(o.x, o.y, layout.cell, layout.cell);
      if (m.protected) {
        ctx.strokeStyle = '#000';
        ctx.strokeRect(o.x + 0.5, o.y + 0.5, layout.cell - 1, layout.cell - 1);
      }
    });
    painted.current = { layout, ids: machines.map((m) => m.id), states: machines.map((m) => m.state) };
    // Main-thread time of the update, from the data's arrival (pool-live's mark) to these fills,
    // and when the frame showing it began: read by the dashboard benchmark.
    const arrived = performance.getEntriesByName('pool-update', 'mark').at(-1)?.startTime ?? started;
    performance.clearMarks('pool-update');
    const ms = performance.now() - Math.min(arrived, started);
    requestAnimationFrame((frame) => {
      const w = window as unknown as { __mapPaints?: { at: number; ms: number; cells: number; changed: number }[] };
      (w.__mapPaints ??= []).push({ at: frame, ms, cells: machines.length, changed });
    });
  }, [machines, width]);

  const at = (e: MouseEvent) => {
    const layout = painted.current?.layout;
    if (!layout) return -1;
    const r = canvas.current!.getBoundingClientRect();
    return cellAt(layout, machines.length, e.clientX - r.left, e.clientY - r.top);
  };
  const keys = (e: KeyboardEvent) => {
    const cols = painted.current?.layout.cols ?? 1;
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols };
    if (e.key in step) {
      e.preventDefault();
      setFocus((f) => Math.min(machines.length - 1, Math.max(0, f + step[e.key]!)));
    } else if (e.key === 'Enter' && machines[focus]) onPick(machines[focus]!);
  };
  const focused = machines[focus];
  const counts = useMemo(() => {
    const by = new Map<string, number>();
    for (const m of machines) by.set(m.state, (by.get(m.state) ?? 0) + 1);
    return by;
  }, [machines]);
  return (
    <div>
      <div class="legend" aria-label="legend">
        {STATES.filter((s) => s !== 'gone').map((s) => (
          <span>
            <span class="swatch" style={`background: ${stateVar(s)}`} />
            {s} {counts.get(s) ?? 0}
          </span>
        ))}
      </div>
      <div class="map-wrap" ref={wrap} style="margin-top: .5rem">
        <canvas
          ref={canvas}
          tabIndex={0}
          role="grid"
          aria-label={`machine map: ${machines.length} machines; arrow keys move, Enter opens a machine${focused ? `; focused ${focused.id} ${focused.state}` : ''}`}
          data-testid="machine-map"
          onMouseMove={(e) => {
            const i = at(e);
            const r = wrap.current!.getBoundingClientRect();
            setHover(i >= 0 ? { m: machines[i]!, x: e.clientX - r.left + 12, y: e.clientY - r.top + 12 } : null);
          }}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const i = at(e);
            if (i >= 0) onPick(machines[i]!);
          }}
          onKeyDown={keys}
          onFocus={() => setInside(true)}
          onBlur={() => setInside(false)}
        />
        {/* A canvas says nothing as the focused cell moves: this line is read out instead (only while the map has focus). */}
        <p class="sr-only" aria-live="polite">
          {inside && focused ? `${focused.id} ${focused.state}, ${focus + 1} of ${machines.length}` : ''}
        </p>
        {hover && (
          <div class="tip" style={`left: ${hover.x}px; top: ${hover.y}px`}>
            <strong>{hover.m.id}</strong> {hover.m.state}
            {hover.m.drift?.length ? ' · drifted' : ''}
            <br />
            {hover.m.zone} · {hover.m.size}
            <br />
            {hover.m.address ?? 'no address yet'}
            <br />
            since {hover.m.since.slice(11, 19)}
          </div>
        )}
      </div>
    </div>
  );
}
