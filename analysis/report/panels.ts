// The report's panels, in page order. A new table brings a new panel: write its module and add it here.
import type { Panel } from './panel.ts';
import { headlinePanel } from './panels/headline.ts';
import { spreadPanel } from './panels/spread.ts';
import { slippagePanel } from './panels/slippage.ts';
import { latencyPanel } from './panels/latency.ts';
import { mevPanel } from './panels/mev.ts';
import { contagionPanel } from './panels/contagion.ts';
import { exoticPanel } from './panels/exotic.ts';
import { sweepPanel } from './panels/sweep.ts';
import { provenancePanel } from './panels/provenance.ts';

export const PANELS: readonly Panel[] = [headlinePanel, latencyPanel, slippagePanel, spreadPanel, mevPanel, exoticPanel, contagionPanel, sweepPanel, provenancePanel];
