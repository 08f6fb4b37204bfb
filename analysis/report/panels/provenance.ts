// Where the output came from: scenario, its hash, seeds, variants, versions and input files.
import { provenance } from '../../provenance.ts';
import { escapeHtml, type Panel } from '../panel.ts';

export const provenancePanel: Panel = {
  id: 'provenance',
  title: 'Provenance',
  intro: 'What produced these tables (runs.arrow and its metadata): the same scenario, seeds and version give byte-identical tables.',
  render(input) {
    const p = provenance(input.table('runs')!);
    const item = (k: string, v: string) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`;
    const files = Object.entries(p.files).map(([f, h]) => `${f} (sha256 ${h.slice(0, 12)}…)`);
    return {
      html: `<dl class="provenance">${[
        item('scenario', p.scenario),
        item('scenario sha256', p.scenarioSha256),
        item('seeds', p.seeds.join(', ')),
        item('variants', p.variants.join(', ')),
        item('runs', `${p.runs} (${p.failed} failed), ${p.events.toLocaleString('en-US')} events`),
        item('seqsim', p.seqsimVersion),
        item('apache-arrow', p.arrowVersion),
        item('input files', files.join('; ') || '—'),
        item('folder', input.dir),
      ].join('')}</dl>`,
    };
  },
};
