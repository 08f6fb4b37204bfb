// A report panel: one concept, one module, registered in panels.ts. It reads the tables it needs
// from the output folder and returns HTML, or says why it has nothing to show.
import type { Table } from 'apache-arrow';

export interface ReportInput {
  /** The output folder, as given. */
  dir: string;
  /** The table `<name>.arrow` of the folder, or undefined when the file is absent. */
  table(name: string): Table | undefined;
  /** Variants in run order (runs.arrow). */
  variants: string[];
  /** Runs that finished, per variant. */
  runsPerVariant: Map<string, number>;
  /** Event tables the scenario wrote without rows (output.omit). */
  omitted: ReadonlySet<string>;
}

export type PanelBody = { html: string } | { absent: string };

export interface Panel {
  id: string;
  title: string;
  /** One or two sentences: what the panel shows and how to read it. */
  intro: string;
  render(input: ReportInput): PanelBody;
}

/** The table, or the sentence saying it is absent or empty. */
export function required(input: ReportInput, name: string, why = ''): Table | { absent: string } {
  const t = input.table(name);
  if (!t) return { absent: `No ${name}.arrow in ${input.dir}${why ? `: ${why}` : ''}.` };
  if (t.numRows === 0 && input.omitted.has(name)) return { absent: `${name}.arrow in ${input.dir} has no rows: the scenario omits them (output.omit).` };
  if (t.numRows === 0) return { absent: `${name}.arrow in ${input.dir} has no rows${why ? `: ${why}` : ''}.` };
  return t;
}

export const isAbsent = (x: unknown): x is { absent: string } => typeof x === 'object' && x !== null && 'absent' in x;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** A plain HTML table; cells are escaped. */
export function htmlTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (tag: string) => (c: string | number) => `<${tag}>${escapeHtml(String(c))}</${tag}>`;
  return `<table><thead><tr>${header.map(cell('th')).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell('td')).join('')}</tr>`).join('')}</tbody></table>`;
}

/** Three significant figures, whole numbers past 100. */
export const fmt = (x: number) => (!Number.isFinite(x) ? '—' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
