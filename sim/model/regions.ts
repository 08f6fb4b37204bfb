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
