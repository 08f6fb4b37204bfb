// Observable Plot rendered server-side: each figure is built against a linkedom document and
// serialized, so the report is static SVG with no script. Text and axes use currentColor, and the
// background is transparent, so the page's light or dark scheme shows through.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export { Plot };

const WIDTH = 880;

/** `id` names the figure for readers and for the browser test (data-figure). */
export function figure(id: string, options: Plot.PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const el = Plot.plot({ width: WIDTH, ...options, document: document as unknown as Document, style: { background: 'transparent', overflow: 'visible' } });
  return `<div class="figure" data-figure="${id}">${(el as unknown as { outerHTML: string }).outerHTML}</div>`;
}

/** Options of a decoration (zero line, frame, shaded band): hidden from assistive technology and from the mark counts. */
export const DECORATION = { ariaHidden: 'true' };
