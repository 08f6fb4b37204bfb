// The `sequencing` section: how each mode orders transactions. Centralized: one sequencer per
// rollup. Shared: one staked node set ordering every rollup's transactions in common slots, with a
// BFT protocol whose timing comes from message delays between nodes. A preset fills the shared
// section's defaults; the scenario's own keys win.
import { z } from 'zod';
import { duration, list, name, nodeIndex, nonNegativeNumber, uniqueBy } from './fields.ts';
import { LIMITS } from './limits.ts';
import { ASTRIA_TIMEOUTS, PRESET_NAMES, SHARED_PRESETS } from '../model/sequencer/presets.ts';
import { deepMerge, isPlainObject } from './data.ts';

export const POLICIES = ['fcfs', 'priority', 'encrypted', 'fair', 'pbs'] as const;

const OfflineSchema = z
  .strictObject({
    node: nodeIndex('Node index (0-based)'),
    at: duration('When the node goes offline'),
    for: duration('How long it stays offline', { positive: true }),
  })
  .describe('A node taken offline for a while');

const BridgeSchema = z
  .strictObject({
    latency: duration('Time for a message to cross between rollups (bridge-based settlement: 242 s median, Öz et al. 2025, docs/calibration.md §5)').prefault('242s'),
    fee_usd: nonNegativeNumber('a fee in USD', LIMITS.feeUsd).default(0).describe('Fee per bridged message, USD'),
    failure_prob: z.number().min(0).max(1).default(0).describe('Probability that a message is lost (the next leg is never sent)'),
    halts: list(z.strictObject({ at: duration('When the bridge halts'), for: duration('For how long', { positive: true }) })).default([]).describe('Windows during which the bridge holds messages'),
  })
  .describe('Cross-rollup messaging between independent sequencers');

const BuilderSchema = z
  .strictObject({
    name: name('Builder name, unique'),
    order_flow: z.number().min(0).max(1).default(1).describe("Share of searchers' bundles that reach this builder (its order-flow access)"),
    margin: z.number().min(0).max(1).optional().describe("Share of its block's value it keeps (bid shading); default pbs.builder_margin"),
    latency: duration('Extra delay before a bundle reaches this builder').prefault('0s'),
  })
  .describe('One block builder under proposer-builder separation');

const CensorSchema = z
  .strictObject({
    senders: list(z.string()).min(1).describe('Senders (user, trader, arbitrageur or intent names) whose transactions are left out'),
  })
  .describe('A censoring sequencer: it never orders these senders\' transactions');

export const RiskEngineSchema = z
  .strictObject({
    max_per_block: z.number().int().min(1).max(LIMITS.capacity).default(50).describe('Most liquidations the engine appends to one block (each takes a block slot), count'),
    gas_usd: nonNegativeNumber('a cost in USD', LIMITS.feeUsd).default(0).describe('Gas the engine pays per liquidation, USD'),
  })
  .describe('A risk engine in the sequencer (docs/model.md, "Risk engine"): after the ordered transactions of each block it makes, it liquidates every position of the lending markets it orders (debt and collateral both on its rollups) that the block left under a health factor of 1 — in the same block, at the oracle price that block set, with the collateral of a cross-rollup market sold in its next block on the vault\'s rollup. Blocks made by anyone else (a fallback sequencer during a halt) carry none');

export const CentralizedSchema = z
  .strictObject({
    bridge: BridgeSchema.prefault({}),
    extractive: z.boolean().default(false).describe('Each rollup\'s sequencer sandwiches user swaps itself (it sees and orders everything)'),
    censor: CensorSchema.optional().describe('Every rollup\'s sequencer censors these senders (only forced inclusion through L1 gets them in)'),
    policy: z.enum(['fcfs', 'priority', 'pbs']).default('fcfs').describe('Ordering: "fcfs" by arrival at the sequencer; "priority" by priority fee, then arrival; "pbs": builders assemble blocks with bundles and bid, the sequencer proposes the best'),
    l1_post_delay: duration('Delay from inclusion to finality (batch posted to L1)').prefault('20m'),
    risk_engine: RiskEngineSchema.optional().describe('Each rollup\'s sequencer runs a risk engine over the lending markets of its own rollup (absent: off)'),
  })
  .describe('One sequencer per rollup');

const TimeoutsSchema = z
  .strictObject({
    propose: duration('Tendermint propose timeout of round 0').prefault(ASTRIA_TIMEOUTS.propose),
    propose_delta: duration('Added to the propose timeout per round').prefault(ASTRIA_TIMEOUTS.propose_delta),
    prevote: duration('Tendermint prevote timeout of round 0').prefault(ASTRIA_TIMEOUTS.prevote),
    prevote_delta: duration('Added per round').prefault(ASTRIA_TIMEOUTS.prevote_delta),
    precommit: duration('Tendermint precommit timeout of round 0').prefault(ASTRIA_TIMEOUTS.precommit),
    precommit_delta: duration('Added per round').prefault(ASTRIA_TIMEOUTS.precommit_delta),
    commit: duration('Wait after a commit before the next height starts').prefault(ASTRIA_TIMEOUTS.commit),
  })
  .describe('CometBFT timeouts (Astria mainnet values by default, docs/calibration.md §2)');

const SharedFields = z.strictObject({
  preset: z.enum(PRESET_NAMES).optional().describe('Start from a preset: "espresso", "astria" or "radius" (its values are defaults; keys set here win)'),
  protocol: z.enum(['hotstuff2', 'tendermint']).default('hotstuff2').describe('"hotstuff2": pipelined, linear, two-chain commit (HotShot); "tendermint": propose/prevote/precommit rounds (CometBFT)'),
  nodes: z.number().int().min(1).max(1000).default(10).describe('Number of sequencer nodes (count)'),
  stakes: list(z.number().int().min(0).max(LIMITS.stake)).optional().describe('Stake of each node (integers); default: equal stakes'),
  rollups: list(z.string()).min(1).optional().describe('Rollups that join the set (default: all); the others keep their own (centralized) sequencer in the shared mode'),
  node_regions: list(z.string()).min(1).optional().describe('Region of each node, cycled over the nodes (["us-east", "eu-frankfurt"]: even nodes in us-east, odd in eu-frankfurt); with network.regions set, node-to-node delays come from the region matrix instead of node_latency'),
  leader_rotation: z.enum(['round_robin', 'stake_weighted', 'fixed']).default('round_robin').describe('Leader of each slot: in turn, drawn by stake, or one leader replaced only after a timeout'),
  node_latency: duration('One-way base delay between two sequencer nodes').prefault('50ms'),
  node_jitter: duration('Mean exponential extra delay per message between nodes').prefault('10ms'),
  min_slot_time: duration('Shortest time between two slots (views) of the set').prefault('1s'),
  view_timeout: duration('HotStuff: time after which replicas give up on a view').prefault('10s'),
  commit_chain: z.union([z.literal(2), z.literal(3)]).default(2).describe('HotStuff: consecutive QCs needed to commit (2: HotStuff-2; 3: chained HotStuff)'),
  timeouts: TimeoutsSchema.prefault({}),
  preconfirm: z.enum(['leader', 'commit']).default('leader').describe('"leader": the slot leader pre-confirms at proposal; "commit": nothing before commit'),
  l1_post_delay: duration('Extra delay from commit to finality (posting to L1); 0s: final at commit').prefault('0s'),
  policy: z.enum(POLICIES).default('fcfs').describe('Ordering within a slot: fcfs, priority (fee), encrypted (contents hidden until ordered), fair (median receive time across nodes), pbs (builders bid blocks to the slot leader)'),
  offline: list(OfflineSchema).default([]).describe('Nodes taken offline at a time, for a duration'),
  extractive_nodes: list(nodeIndex('Node index')).default([]).describe('Indices of extractive nodes: as leaders they sandwich user swaps on every rollup of their slot'),
  censors: z
    .strictObject({
      nodes: list(nodeIndex('Node index')).min(1).describe('Indices of the censoring nodes: as leaders they leave the senders\' transactions out'),
      senders: list(z.string()).min(1).describe('Censored senders'),
    })
    .optional()
    .describe('Censoring nodes; a censored transaction gets in when an honest leader\'s turn comes'),
  equivocators: list(z.strictObject({ node: nodeIndex('Node index'), from: duration('From when it equivocates whenever it leads') }))
    .default([])
    .describe('Nodes that, as leaders, sign two conflicting proposals: the slot fails, and the proof is slashable'),
  slashing: z
    .strictObject({
      detection_delay: duration('Time from a provable offence (censorship) to the slash').prefault('5m'),
      fraction: z.number().min(0).max(1).default(1).describe('Share of the offender\'s stake slashed (1: ejected from the set)'),
    })
    .optional()
    .describe('Slashing of provable offences: slashed stake leaves the quorum and the leader rotation'),
  fallback_after: duration('Escape hatch: when the set has not committed for this long, each rollup falls back to its own sequencer until it does').optional(),
  risk_engine: RiskEngineSchema.optional().describe('The set runs a risk engine over the lending markets of its rollups, cross-rollup ones included (absent: off)'),
});

/** Fills the shared section from its preset before validation, so the preset is plain data. */
export const SharedSchema = z
  .preprocess((input) => {
    if (!isPlainObject(input) || typeof input.preset !== 'string' || !(input.preset in SHARED_PRESETS)) return input;
    return deepMerge(SHARED_PRESETS[input.preset as keyof typeof SHARED_PRESETS], input);
  }, SharedFields)
  .superRefine((s, ctx) => {
    // A node count that failed its own bounds is reported there; the checks below need a valid one.
    if (!Number.isInteger(s.nodes) || s.nodes < 1 || s.nodes > 1000) return;
    if (s.stakes !== undefined && s.stakes.length !== s.nodes)
      ctx.addIssue({ code: 'custom', message: `expected one stake per node (${s.nodes} nodes)`, path: ['stakes'], input: s.stakes });
    const stakes = s.stakes ?? new Array(s.nodes).fill(1);
    if (stakes.reduce((a, b) => a + b, 0) === 0)
      ctx.addIssue({ code: 'custom', message: 'expected some stake: with zero total stake no quorum can ever be met', path: ['stakes'], input: s.stakes });
    s.equivocators.forEach((e, i) => {
      if (e.node >= s.nodes) ctx.addIssue({ code: 'custom', message: `expected a node index below ${s.nodes}`, path: ['equivocators', i, 'node'], input: e.node });
    });
    s.extractive_nodes.forEach((n, i) => {
      if (n >= s.nodes) ctx.addIssue({ code: 'custom', message: `expected a node index below ${s.nodes}`, path: ['extractive_nodes', i], input: n });
    });
    s.censors?.nodes.forEach((n, i) => {
      if (n >= s.nodes) ctx.addIssue({ code: 'custom', message: `expected a node index below ${s.nodes}`, path: ['censors', 'nodes', i], input: n });
    });
    s.offline.forEach((o, i) => {
      if (o.node >= s.nodes) ctx.addIssue({ code: 'custom', message: `expected a node index below ${s.nodes}`, path: ['offline', i, 'node'], input: o.node });
    });
  })
  .describe('A shared sequencer set ordering every rollup');

export const SequencingSchema = z
  .strictObject({
    centralized: CentralizedSchema.prefault({}),
    shared: SharedSchema.prefault({}),
    pbs: z
      .strictObject({
        builders: z
          .union([
            z.number().int().min(1).max(100),
            z.array(BuilderSchema).min(1).max(100).superRefine(uniqueBy<{ name: string }>('builder name', (b) => b.name, 'name')),
          ])
          .default(2)
          .describe('Block builders: a count of identical builders (each with builder_margin, all order flow, no extra latency), or a list of differing ones'),
        builder_margin: z.number().min(0).max(1).default(0.1).describe("Share of a block's value (bundle payments + priority fees) a builder keeps; it bids the rest to the proposer (default for builders that do not set their own)"),
      })
      .prefault({})
      .describe('Proposer-builder separation, for the "pbs" policy'),
    force_inclusion_delay: duration('Escape hatch: a transaction waiting this long is included through L1 (Arbitrum: 24h)').prefault('24h'),
  })
  .describe('How transactions are ordered under each mode');

export type SharedConfig = z.output<typeof SharedFields>;
export type CentralizedConfig = z.output<typeof CentralizedSchema>;
