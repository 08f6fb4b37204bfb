// The report page from an output's tables: every registered panel rendered in order. Pure: the
// tables come in through ReportInput (sim/experiment/report.ts reads the folder and writes the file).
import type { ReportInput } from './panel.ts';
import { PANELS } from './panels.ts';
import { renderPage, type RenderedPanel } from './page.ts';

export type PanelState = { id: string; state: 'ok' | 'absent' | 'error'; note?: string };

export function renderReport(input: ReportInput): { html: string; panels: PanelState[] } {
  const rendered: RenderedPanel[] = PANELS.map((panel) => {
    // A table of an unexpected shape (another seqsim version) costs its panel, not the page.
    try {
      return { panel, body: panel.render(input) };
    } catch (e) {
      return { panel, body: { error: (e as Error).message } };
    }
  });
  return {
    html: renderPage(input, rendered),
    panels: rendered.map(({ panel, body }) =>
      'html' in body ? { id: panel.id, state: 'ok' } : 'absent' in body ? { id: panel.id, state: 'absent', note: body.absent } : { id: panel.id, state: 'error', note: body.error },
    ),
  };
}
