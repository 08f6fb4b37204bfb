// Errors for bad scenario input. A researcher reads these, so each problem names where it is
// (file:line:col, or the --set argument), which field (`rollups[1].block_time`), what was
// expected and what was found. The same facts are kept as fields for `--json` output.

export type PathSegment = string | number;

export interface ScenarioIssue {
  /** Field path like `rollups[1].block_time`; empty for the file as a whole. */
  path: string;
  /** What was expected and what was found, without the location. */
  message: string;
  /** The file the offending value came from (an `extends` ancestor may differ from the scenario). */
  file?: string;
  /** The `--set path=value` argument the value came from, when it did not come from a file. */
  set?: string;
  /** 1-based position in `file`, when known. */
  line?: number;
  col?: number;
}

export class ScenarioError extends Error {
  /**
   * @param file the scenario file that was being loaded
   * @param issues every problem found in one pass; never empty
   */
  constructor(
    readonly file: string,
    readonly issues: ScenarioIssue[],
  ) {
    super(formatScenarioError(file, issues));
    this.name = 'ScenarioError';
  }

  toJSON(): { error: 'ScenarioError'; file: string; message: string; issues: ScenarioIssue[] } {
    return { error: 'ScenarioError', file: this.file, message: this.message, issues: this.issues };
  }
}

/** `file:line:col` (or `--set a.b=v`) prefix of one issue. */
export function issueLocation(issue: ScenarioIssue, fallbackFile: string): string {
  const file = issue.file ?? fallbackFile;
  // An override has no line, but the reader still needs to know which scenario it was applied to.
  if (issue.set !== undefined) return `${file}: --set ${issue.set}`;
  if (issue.line === undefined) return file;
  return `${file}:${issue.line}:${issue.col ?? 1}`;
}

export function formatIssue(issue: ScenarioIssue, fallbackFile: string): string {
  const field = issue.path === '' ? '' : `${issue.path}: `;
  return `${issueLocation(issue, fallbackFile)}: ${field}${issue.message}`;
}

/** One problem: one line. Several: a summary line, then one line each. */
export function formatScenarioError(file: string, issues: ScenarioIssue[]): string {
  if (issues.length === 1) return formatIssue(issues[0], file);
  const lines = issues.map((issue) => `  ${formatIssue(issue, file)}`);
  return [`invalid scenario ${file}: ${issues.length} problems`, ...lines].join('\n');
}

/** `['rollups', 1, 'block_time']` → `rollups[1].block_time`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

const MAX_SHOWN_CHARS = 60;

/** A value as it appears in a message: JSON-like, truncated so a huge array cannot flood the terminal. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS - 1)}…` : text;
}

/** Edit distance (insertions, deletions, substitutions); small inputs only. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate within a small edit distance, or undefined when nothing is close. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  // Two edits catch most typos; short words get a tighter budget so "id" does not suggest "rate".
  const budget = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= budget ? best : undefined;
}
