/**
 * Lays out one square cell per machine so that the whole fleet fits the given width and stays
 * readable: cells shrink as the fleet grows, never below `minCell`, and the map grows downward.
 * Pure, so the geometry is tested without a browser.
 */
export interface MapLayout {
  cell: number;
  gap: number;
  cols: number;
  rows: number;
  width: number;
  height: number;
}

export function layoutMap(count: number, width: number, opts: { maxCell?: number; minCell?: number } = {}): MapLayout {
  const maxCell = opts.maxCell ?? 22;
  const minCell = opts.minCell ?? 8;
  const w = Math.max(width, minCell + 1);
  let cell = maxCell;
  // Shrink until the map is no taller than it is wide (or the cells reach their floor).
  for (; cell > minCell; cell--) {
    const pitch = cell + gapFor(cell);
    const cols = Math.max(1, Math.floor(w / pitch));
    if (Math.ceil(count / cols) * pitch <= Math.max(w, 240)) break;
  }
  const gap = gapFor(cell);
  const pitch = cell + gap;
  const cols = Math.max(1, Math.floor(w / pitch));
  const rows = Math.max(1, Math.ceil(count / cols));
  return { cell, gap, cols, rows, width: cols * pitch, height: rows * pitch };
}

const gapFor = (cell: number): number => (cell >= 14 ? 2 : 1);

/** The index of the machine under a point, or -1. */
export function cellAt(layout: MapLayout, count: number, x: number, y: number): number {
  const pitch = layout.cell + layout.gap;
  const col = Math.floor(x / pitch);
  const row = Math.floor(y / pitch);
  if (col < 0 || col >= layout.cols || row < 0 || x - col * pitch > layout.cell || y - row * pitch > layout.cell) return -1;
  const i = row * layout.cols + col;
  return i < count ? i : -1;
}

export function cellOrigin(layout: MapLayout, i: number): { x: number; y: number } {
  const pitch = layout.cell + layout.gap;
  return { x: (i % layout.cols) * pitch, y: Math.floor(i / layout.cols) * pitch };
}
