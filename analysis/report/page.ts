// The report page: one self-contained HTML file (inline CSS, static SVG, no script, no font or
// network fetch), readable in light and dark (prefers-color-scheme; plots draw in currentColor).
import { escapeHtml, type Panel, type PanelBody, type ReportInput } from './panel.ts';
import { provenance } from '../provenance.ts';

const CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1d2127; --muted: #5b6470; --rule: #d9dde3; --card: #f6f7f9; }
@media (prefers-color-scheme: dark) { :root { --bg: #15181d; --fg: #e6e9ee; --muted: #a0a8b4; --rule: #353b45; --card: #1d2128; } }
html { background: var(--bg); color: var(--fg); }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 960px; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.2rem; margin: 0 0 .3rem; }
header p, .intro, .absent { color: var(--muted); }
nav { margin: 1rem 0 1.5rem; font-size: .9rem; } nav a { color: inherit; margin-right: .9rem; }
section { background: var(--card); border: 1px solid var(--rule); border-radius: 8px; padding: 1rem 1.25rem; margin: 0 0 1.25rem; }
.figure { margin: .75rem 0; overflow-x: auto; } .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 0 1rem; } .grid .figure { margin: .25rem 0; } figcaption { font-size: .8rem; font-family: ui-monospace, monospace; } .figure figure { margin: 0; } .figure svg { --plot-background: var(--bg); }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--rule); padding: .2rem .6rem; text-align: left; }
details summary { cursor: pointer; color: var(--muted); }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; font-size: .85rem; margin: 0; }
dl.provenance dt { color: var(--muted); } dl.provenance dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
`;

export interface RenderedPanel {
  panel: Panel;
  body: PanelBody | { error: string };
}

function section({ panel, body }: RenderedPanel): string {
  const state = 'html' in body ? 'ok' : 'absent' in body ? 'absent' : 'error';
  const content = 'html' in body ? body.html : 'absent' in body ? `<p class="absent">${escapeHtml(body.absent)}</p>` : `<p class="absent">This panel could not be drawn: ${escapeHtml(body.error)}</p>`;
  return `<section id="${panel.id}" data-panel="${panel.id}" data-state="${state}"><h2>${escapeHtml(panel.title)}</h2><p class="intro">${escapeHtml(panel.intro)}</p>${content}</section>`;
}

export function renderPage(input: ReportInput, panels: readonly RenderedPanel[]): string {
  const p = provenance(input.table('runs')!);
  const title = `seqsim report: ${p.scenario}`;
  const sub = `${p.variants.join(' vs ')} · ${p.seeds.length} seed${p.seeds.length === 1 ? '' : 's'} · ${p.runs} runs · seqsim ${p.seqsimVersion} · scenario ${p.scenarioSha256.slice(0, 12)}`;
  const nav = panels.map(({ panel }) => `<a href="#${panel.id}">${escapeHtml(panel.title)}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(sub)}</p></header><nav>${nav}</nav>
${panels.map(section).join('\n')}
</body></html>
`;
}
