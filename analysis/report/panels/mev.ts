// Where MEV went: searchers' and sequencers' net, priority fees, gas, per run; victims' losses beside.
import { MEV_PARTS, mevSplit } from '../../mevSplit.ts';
import { DECORATION, figure, Plot } from '../plot.ts';
import { isAbsent, required, type Panel } from '../panel.ts';

export const MEV_LABELS: Record<(typeof MEV_PARTS)[number], string> = {
  searcher_net: 'searchers keep', sequencer_net: 'sequencer extracts itself', priority_fees: 'priority fees to the sequencer', gas: 'gas',
};

export const mevPanel: Panel = {
  id: 'mev',
  title: 'MEV capture',
  intro: "Gross MEV profit per run split by who kept it (mev table): the parts stack to the gross; a lost auction's gas makes searchers' share negative. Below: what the victims lost.",
  render(input) {
    const mev = required(input, 'mev', 'no searcher or extractive sequencer acted');
    if (isAbsent(mev)) return mev;
    const { shares, victims } = mevSplit(mev, input.runsPerVariant);
    const labelled = shares.map((s) => ({ ...s, label: MEV_LABELS[s.part] }));
    const height = 60 + 40 * input.variants.length;
    const common = { marginLeft: 110, y: { label: null, domain: input.variants } };
    return {
      html:
        figure('mev', {
          ...common,
          height,
          x: { label: 'USD per run →', grid: true },
          color: { legend: true, domain: MEV_PARTS.map((p) => MEV_LABELS[p]) },
          marks: [Plot.barX(labelled, { y: 'variant', x: 'usd', fill: 'label', ariaLabel: 'label', title: (d) => `${d.variant}, ${d.label}: ${d.usd.toFixed(0)} USD per run` }), Plot.ruleX([0], DECORATION)],
        }) +
        figure('mev-victims', {
          ...common,
          height: 30 + 40 * input.variants.length,
          x: { label: 'victims’ loss, USD per run →', grid: true },
          color: { domain: input.variants },
          marks: [Plot.barX(victims, { y: 'variant', x: 'victimLossUsd', fill: 'variant', ariaLabel: 'variant', title: (d) => `${d.variant}: ${d.victimLossUsd.toFixed(0)} USD per run, ${d.attempts.toFixed(0)} attempts` }), Plot.ruleX([0], DECORATION)],
        }),
    };
  },
};
