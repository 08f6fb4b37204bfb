// Shared-sequencer presets: data, not code paths. A scenario's `sequencing.shared.preset` fills the
// section's defaults from here; any key the scenario sets wins. Figures cite docs/calibration.md.
/** CometBFT timeouts of Astria mainnet (docs/calibration.md §2, H): the astria preset and the schema's defaults. */
export const ASTRIA_TIMEOUTS = { propose: '2s', propose_delta: '500ms', prevote: '1s', prevote_delta: '500ms', precommit: '1s', precommit_delta: '500ms', commit: '1.5s' } as const;

export const SHARED_PRESETS = {
  // Espresso HotShot: HotStuff-2 adapted to PoS, pipelined, linear votes to the next leader; commit
  // on two consecutive QCs (paper §2.3–2.4, docs/calibration.md §1); a view is about 1 s (benchmark latency
  // 2.9–3.5 s ≈ 3 views); next-view timeout 10 s (HotShot default); mainnet 0 ran 100 nodes.
  // The leader's signed proposal is the pre-confirmation.
  espresso: {
    protocol: 'hotstuff2',
    nodes: 100,
    leader_rotation: 'round_robin',
    min_slot_time: '1s',
    view_timeout: '10s',
    commit_chain: 2,
    preconfirm: 'leader',
    node_latency: '40ms',
    node_jitter: '20ms',
    policy: 'fcfs',
  },
  // Astria (its network shut down in December 2025: kept as a documented CometBFT-based design):
  // CometBFT rounds (propose/prevote/precommit) with the mainnet timeouts of the charts
  // (propose 2 s +0.5 s/round, prevote and precommit 1 s +0.5 s, commit 1.5 s), 11 validators at
  // genesis: 4 × 100 and 7 × 25 voting power (docs/calibration.md §2). Soft confirmation is the next
  // committed sequencer block, so no pre-confirmation before commit.
  astria: {
    protocol: 'tendermint',
    nodes: 11,
    stakes: [100, 100, 100, 100, 25, 25, 25, 25, 25, 25, 25],
    leader_rotation: 'stake_weighted',
    timeouts: ASTRIA_TIMEOUTS,
    preconfirm: 'commit',
    node_latency: '40ms',
    node_jitter: '20ms',
    policy: 'fcfs',
  },
  // Radius: an encrypted mempool (PVDE/SKDE); a single leader orders and signs an order commitment
  // (the pre-confirmation) before decryption, followers replicate; leader re-election on failure
  // (docs/calibration.md §3). Pre-confirmation latency and node count are not published: 5 nodes and a
  // 1 s slot are our choice. Replication is modelled with the same BFT quorum as the others.
  radius: {
    protocol: 'hotstuff2',
    nodes: 5,
    leader_rotation: 'fixed',
    min_slot_time: '1s',
    view_timeout: '2s',
    commit_chain: 2,
    preconfirm: 'leader',
    node_latency: '40ms',
    node_jitter: '20ms',
    policy: 'encrypted',
  },
} as const;

export type PresetName = keyof typeof SHARED_PRESETS;
export const PRESET_NAMES = Object.keys(SHARED_PRESETS) as PresetName[];
