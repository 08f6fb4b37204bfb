// Region presets: one-way delays between cloud regions, data rather than code. `aws` is half the
// average round trip between AWS regions (docs/calibration.md §10: inter-region pings published in
// 2017), for the five regions whose every pair is in that table; within a region 0.5 ms one way
// (inter-AZ round trips 0.25–3.4 ms).
export const REGION_PRESETS = {
  aws: {
    regions: ['us-east', 'us-west', 'eu-frankfurt', 'tokyo', 'singapore'],
    withinMs: 0.5,
    /** Round-trip ms, each pair once. */
    rttMs: {
      'us-east/us-west': 87,
      'us-east/eu-frankfurt': 89,
      'us-east/tokyo': 145,
      'us-east/singapore': 217,
      'us-west/eu-frankfurt': 160,
      'us-west/tokyo': 89,
      'us-west/singapore': 161,
      'eu-frankfurt/tokyo': 237,
      'eu-frankfurt/singapore': 326,
      'tokyo/singapore': 74,
    } as Record<string, number>,
  },
} as const;

export type RegionPresetName = keyof typeof REGION_PRESETS;
export const REGION_PRESET_NAMES = Object.keys(REGION_PRESETS) as RegionPresetName[];

/** A region × region one-way delay table: a preset's name, or a matrix of µs given each pair once (either order). */
export type RegionDelays = RegionPresetName | Record<string, Record<string, number>>;

/** One-way delay in µs between two regions of `delays` (a region to itself: the preset's within-region delay, or the matrix's entry, else 0). */
export function oneWayDelayUs(delays: RegionDelays, a: string, b: string): number {
  if (typeof delays !== 'string') return delays[a]?.[b] ?? delays[b]?.[a] ?? 0;
  const preset = REGION_PRESETS[delays];
  if (a === b) return Math.round(preset.withinMs * 1000);
  return Math.round(((preset.rttMs[`${a}/${b}`] ?? preset.rttMs[`${b}/${a}`]) * 1000) / 2);
}
