import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  color: string;
  values: (number | null)[];
}

/** A time-series chart (uPlot: canvas, fast at thousands of points). `times` in seconds. */
export function Chart({ times, series, height = 220, title }: { times: number[]; series: Series[]; height?: number; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  useEffect(() => {
    const el = box.current!;
    plot.current?.destroy();
    plot.current = new uPlot(
      {
        title,
        width: el.clientWidth || 600,
        height,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))],
        axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor' }],
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
  }, [times, series, height, title]);
  return <div ref={box} role="img" aria-label={title} />;
}
