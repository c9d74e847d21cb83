import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartAxis, ChartSeries } from '../lib/load-chart.js';

/**
 * A time-series chart (uPlot: canvas, fast at thousands of points). `times` in seconds. Each
 * axis has its own scale, label and fixed range, so series of different units share the chart
 * without one flattening the other. uPlot paints the axis labels on the canvas: `label` is the
 * text a screen reader gets instead.
 */
export function Chart({ times, series, axes, height = 240, label }: { times: number[]; series: ChartSeries[]; axes: ChartAxis[]; height?: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  useEffect(() => {
    const el = box.current!;
    plot.current?.destroy();
    // A canvas does not follow CSS: axes take the theme's colours as they are when drawn.
    const ink = getComputedStyle(el).color;
    const grid = { stroke: getComputedStyle(document.documentElement).getPropertyValue('--line').trim() || '#dde1e8', width: 1 };
    plot.current = new uPlot(
      {
        width: el.clientWidth || 600,
        height,
        scales: { x: { time: true }, ...Object.fromEntries(axes.map((a) => [a.scale, { auto: false, range: a.range }])) },
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, scale: s.scale, spanGaps: true, ...(s.dash ? { dash: s.dash } : {}), ...(s.fill ? { fill: s.fill } : {}) }))],
        axes: [
          { stroke: ink, grid, ticks: grid },
          ...axes.map((a, i) => ({ scale: a.scale, label: a.label, side: a.side === 'left' ? 3 : 1, stroke: ink, size: 64, grid: { ...grid, show: i === 0 }, ticks: grid })),
        ],
      },
      [times, ...series.map((s) => s.values)],
      el,
    );
    const onResize = () => plot.current?.setSize({ width: el.clientWidth, height });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, [times, series, axes, height]);
  return <div ref={box} role="img" aria-label={label} data-testid="chart" />;
}
