// Closed forms (and one numerical solution) that the simulator's arbitrage and LVR results are
// tested against. All for a constant-product pool (x·y = k) with the fee charged on the input and
// paid out of the pool (fee mode 'external'), an arbitrageur who at each block makes the single
// profit-maximizing trade against the reference price (`optimalArbitrage` in amm.ts), and a
// reference price that is a GBM.
//
// Units: any time unit T, used consistently — `sigma` is per √T, `blockTime` in T, `blockRate`
// per T, and a rate comes out per T. (With T = one year: annualized σ, block time in years.)
//
// Normalization: a loss or profit is a fraction of pool value. Unless a function says otherwise,
// "pool value" for a block is V = 2·√(k·P), the value at the block's reference price P of a pool
// with the same k sitting at that price (for the CPMM, the pool value function of Milionis et al.
// evaluated at the current price).
//
// Notation: f = fee fraction, γ = −ln(1 − f). With the fee on input, an arbitrage trade is
// profitable iff the log mispricing z = ln(P / pool mid) leaves the band [−γ, γ]; the optimal
// trade moves z back to the nearer edge (exactly, in 'external' fee mode), and its profit is
//     profit / V = e^{γ/2}·(cosh((|z| − γ)/2) − 1) = 2·e^{γ/2}·sinh²((|z| − γ)/4)   for |z| > γ
// (derived from the closed-form trade; at γ = 0 this is 2 sinh²(z/4) ≈ z²/8).

/** γ = −ln(1 − f): half-width of the no-arbitrage band in log price, for a fee fraction f. */
export function gammaFromFee(feeFraction: number): number {
  return -Math.log1p(-feeFraction);
}

/** Profit of the optimal arbitrage as a fraction of V, for log mispricing z (see header). */
export function arbProfitFraction(z: number, gamma: number): number {
  const excess = Math.abs(z) - gamma;
  if (excess <= 0) return 0;
  const s = Math.sinh(excess / 4);
  return 2 * Math.exp(gamma / 2) * s * s;
}

// ─── No fee ─────────────────────────────────────────────────────────────────────────────────────

/**
 * LVR rate of a CPMM, fraction of pool value per unit time: σ²/8 (instantaneous; no fee,
 * continuous arbitrage). Milionis, Moallemi, Roughgarden, Zhang (2022), "Automated market making
 * and loss-versus-rebalancing", the CPMM example: ℓ(σ, P) = σ²/8 · V(P).
 */
export function lvrRate(sigma: number): number {
  return (sigma * sigma) / 8;
}

/**
 * Expected arbitrage loss of a CPMM over one block of length Δt, no fee, arbitrage once at the end
 * of each block that brings the pool back to the reference price:  1 − e^{−σ²Δt/8}
 * as a fraction of the pool value at the START of the block (when pool and reference agree).
 * Assumes the reference price is a martingale (driftKind 'arithmetic', drift 0), the setting in
 * which this form is exact: the loss equals the one-block impermanent loss
 * L√P₀·(e^{r} − 2e^{r/2} + 1) with r the log return, and E[e^{r/2}] = e^{−σ²Δt/8}.
 * Expands as σ²Δt/8 − (σ²Δt)²/128 + …, i.e. the rate σ²/8 as Δt → 0.
 */
export function lvrPerBlockMartingale(sigma: number, blockTime: number): number {
  return -Math.expm1((-sigma * sigma * blockTime) / 8);
}

/**
 * The same no-fee, fixed-block loss when log P is a driftless Brownian motion (driftKind 'log',
 * drift 0), normalized like the fee results below (V at the block's reference price):
 * E[2 sinh²(σ√Δt·Z/4)] = e^{σ²Δt/8} − 1. This is the fee → 0 limit of `arbPerBlockFixed`.
 */
export function lvrPerBlockLogDriftless(sigma: number, blockTime: number): number {
  return Math.expm1((sigma * sigma * blockTime) / 8);
}

// ─── Fee, Poisson blocks: Milionis, Moallemi, Roughgarden (2023) ────────────────────────────────
// "Automated market making and arbitrage profits in the presence of fees" (arXiv 2305.14604).
// Model: log P a driftless Brownian motion (volatility σ), blocks at Poisson times of rate λ, an
// arbitrageur at every block. With η = √(2λ)/σ, the stationary log mispricing is uniform on the
// band with exponential tails of rate η outside it, so a block finds a profitable trade with
// probability P_trade = 1/(1 + ηγ), and in the fast-block limit ARB ≈ LVR · P_trade.
// Their fee convention makes the band [−γ₊, γ₋] slightly asymmetric; with the fee on the input as
// here the band is symmetric, γ = −ln(1 − f) on both sides, which is what these functions use.

/** η = √(2λ)/σ: the rate of the exponential tails of the stationary mispricing. */
export function poissonEta(sigma: number, blockRate: number): number {
  return Math.sqrt(2 * blockRate) / sigma;
}

/** Probability that a block carries an arbitrage trade: 1/(1 + ηγ) (exact in this model). */
export function poissonTradeProbability(sigma: number, blockRate: number, gamma: number): number {
  return 1 / (1 + poissonEta(sigma, blockRate) * gamma);
}

/**
 * Expected arbitrage profit rate, fraction of V per unit time, Poisson blocks — exact in the model:
 *     ARB = σ²/8 · e^{γ/2} · P_trade / (1 − σ²/(8λ)),   requires λ > σ²/8.
 * Derivation (checked against Monte Carlo in theory.test.ts): integrate the profit
 * 2e^{γ/2} sinh²((|z|−γ)/4) against the stationary tails π(z) = π₀ e^{−η(|z|−γ)},
 * π₀ = η/(2(1+ηγ)), and multiply by λ. Our own derivation for this fee convention; it has the
 * shape of MMR (2023)'s CPMM result as we recall it (a factor 1/(1 − σ²/(8λ)) and e^{±γ/2} terms),
 * which we could not re-read in full: the Monte Carlo test is the check.
 */
export function arbRatePoisson(sigma: number, blockRate: number, gamma: number): number {
  const x = (sigma * sigma) / (8 * blockRate);
  if (!(x < 1)) throw new RangeError(`arbRatePoisson needs blockRate > sigma²/8, got λ=${blockRate}, σ=${sigma}`);
  return lvrRate(sigma) * Math.exp(gamma / 2) * poissonTradeProbability(sigma, blockRate, gamma) / (1 - x);
}

/**
 * The fast-block form quoted from MMR (2023): ARB ≈ LVR / (1 + γ√(2λ)/σ), fraction of V per unit
 * time. Agrees with `arbRatePoisson` up to the factors e^{γ/2} and 1/(1 − σ²/(8λ)), both → 1 for
 * small fees and fast blocks.
 */
export function arbRatePoissonFastBlocks(sigma: number, blockRate: number, gamma: number): number {
  return lvrRate(sigma) * poissonTradeProbability(sigma, blockRate, gamma);
}

// ─── Fee, fixed blocks: Nezlobin & Tassy (2025) ─────────────────────────────────────────────────
// "Loss-versus-rebalancing under deterministic and generalized block-times" (arXiv 2505.05113):
//     ARB per block per unit of liquidity = σ_b² / (2 + √(2π)·Γ/(|ζ(1/2)|·σ_b)) + O(e^{−c·Γ/σ_b})
// with σ_b = σ√Δt the volatility over one block and Γ "the AMM spread". Two conversions:
//   - per unit of liquidity → fraction of V: the liquidity of a CPMM is P²|x'(P)| = √(kP)/2 = V/4
//     (their zero-fee value σ_b²/2 per block matches LVR σ²/8 · V per unit time), so divide by 4;
//   - Γ is the full bid–ask spread of the pool, 2γ (the band is [−γ, γ]). Only this reading makes
//     fixed blocks earn arbitrageurs less than Poisson blocks, as the paper states, and it is what
//     the numerical solution below reproduces (theory.test.ts checks both).
// Result: ARB/V per block ≈ e^{γ/2}·σ_b²/8 / (1 + (√(2π)/|ζ(1/2)|)·γ/σ_b). The factor e^{γ/2} is
// the change of normalization from liquidity at the pool's price (on a band edge after a trade) to V
// at the reference price — the same factor as in the exact Poisson formula; it is γ/2 relative
// (0.15% at a 30 bps fee). √(2π)/|ζ(1/2)| ≈ 1.7164 is 1/β with β = −ζ(1/2)/√(2π) ≈ 0.5826,
// Siegmund's overshoot constant for Gaussian random walks: a Gaussian walk behaves like Brownian
// motion with each barrier pushed out by β·σ_b. (Compare Poisson blocks at the same mean block
// time, per block: σ_b²/8·e^{γ/2}/(1 + √2·γ/σ_b) to leading order — a smaller coefficient than
// 1.7164, so Poisson blocks leak more.)

/** ζ(1/2), the Riemann zeta function at 1/2. */
export const ZETA_HALF = -1.4603545088095868;
/** √(2π)/|ζ(1/2)| ≈ 1.7164. */
export const NT_COEFFICIENT = Math.sqrt(2 * Math.PI) / -ZETA_HALF;

/**
 * Nezlobin–Tassy closed-form approximation: expected arbitrage profit per block, fraction of V,
 * fixed block time, log P a driftless Brownian motion. Against `arbPerBlockFixed` (theory.test.ts):
 * relative error ~2e-4 at γ/σ_b ≤ 1 (their O(e^{−const·γ/σ_b}) term), ~1e-7 from γ/σ_b = 3 on at
 * σ_b = 1e-3; O(σ_b²) from the linearization behind "per unit of liquidity" (~1.5e-4 at σ_b = 0.05).
 */
export function arbPerBlockFixedNezlobinTassy(sigma: number, blockTime: number, gamma: number): number {
  const sb = sigma * Math.sqrt(blockTime);
  return (Math.exp(gamma / 2) * sb * sb) / 8 / (1 + (NT_COEFFICIENT * gamma) / sb);
}

export interface FixedBlockSolution {
  /** Expected arbitrage profit per block, fraction of V. */
  arbPerBlock: number;
  /** Probability that a block carries an arbitrage trade. */
  tradeProbability: number;
  /** Stationary probability that the post-trade mispricing sits exactly on the upper band edge (same for the lower). */
  edgeMass: number;
  /** Quadrature nodes on [0, γ] in the final solve. */
  nodes: number;
  /** Relative change of `arbPerBlock` when the nodes were last doubled. */
  relativeChange: number;
}

export interface FixedBlockOptions {
  /** Stop when doubling the nodes changes the result by less than this (relative). */
  tolerance?: number;
  /** Refuse to go beyond this many nodes (the banded solve costs O(n·(σ_b/spacing)²)). */
  maxNodes?: number;
}

/**
 * Exact (to a stated tolerance) expected arbitrage profit per block with a fee and FIXED block
 * time Δt, log P a driftless Brownian motion, by solving for the stationary distribution of the
 * post-trade log mispricing. Method:
 *   Between blocks z moves by σ_b·Z, σ_b = σ√Δt, Z ~ N(0,1); at a block the arbitrageur clamps z
 *   to [−γ, γ]. The post-trade z has a density p on (−γ, γ), even by symmetry, plus atoms of mass
 *   a at ±γ. Stationarity is the integral equation
 *       p(y) = ∫ p(x) φ_σb(y − x) dx + a·(φ_σb(y − γ) + φ_σb(y + γ)),   ∫p + 2a = 1,
 *   solved by Nyström's method: composite 8-point Gauss–Legendre on [0, γ] (p folded, being even)
 *   with panels no wider than σ_b so the Gaussian kernel is resolved, and a banded linear solve.
 *   Then ARB = E over the post-trade law of E[profit(z + σ_b Z)], the inner expectation by the
 *   same quadrature of the stable form 2e^{γ/2} sinh²((|z| − γ)/4).
 * Convergence: the node count is doubled until the result changes by less than `tolerance`
 * (default 1e-10, relative); the quadrature converges spectrally because every integrand is analytic.
 */
export function arbPerBlockFixed(sigma: number, blockTime: number, gamma: number, options: FixedBlockOptions = {}): FixedBlockSolution {
  const tolerance = options.tolerance ?? 1e-10;
  const maxNodes = options.maxNodes ?? 1 << 16;
  const sb = sigma * Math.sqrt(blockTime);
  if (!(sb > 0 && Number.isFinite(sb))) throw new RangeError(`need sigma·√blockTime > 0, got ${sb}`);
  if (!(gamma >= 0 && Number.isFinite(gamma))) throw new RangeError(`need gamma >= 0, got ${gamma}`);
  let panels = Math.max(1, Math.ceil(gamma / sb));
  let previous = solveFixedBlockChain(sb, gamma, gamma === 0 ? 0 : panels);
  if (gamma === 0) return { ...previous, nodes: 0, relativeChange: 0 };
  for (;;) {
    panels *= 2;
    if (panels * GL_ORDER > maxNodes) throw new Error(`arbPerBlockFixed did not converge to ${tolerance} within ${maxNodes} nodes (γ/σ_b = ${gamma / sb})`);
    const next = solveFixedBlockChain(sb, gamma, panels);
    const change = Math.abs(next.arbPerBlock - previous.arbPerBlock) / Math.abs(next.arbPerBlock);
    if (change < tolerance) return { ...next, nodes: panels * GL_ORDER, relativeChange: change };
    previous = next;
  }
}

const GL_ORDER = 8;

function solveFixedBlockChain(sb: number, gamma: number, panels: number): Omit<FixedBlockSolution, 'nodes' | 'relativeChange'> {
  const [nodes, weights] = compositeGaussLegendre(0, gamma, panels, GL_ORDER);
  const n = nodes.length;
  const kernel = (d: number): number => Math.exp(-0.5 * (d / sb) ** 2) / (sb * Math.sqrt(2 * Math.PI));
  // Solve with the edge mass set to 1, then normalize: (I − K)p = φ(y − γ) + φ(y + γ) on [0, γ],
  // K the folded kernel w_j·(φ(y − x_j) + φ(y + x_j)). K leaks mass to the edges, so I − K is
  // invertible, and it is banded: beyond 10σ_b the kernel is below e^{−50} and is dropped.
  const panelWidth = n > 0 ? gamma / panels : 0;
  const band = n > 0 ? Math.min(n - 1, (Math.ceil((10 * sb) / panelWidth) + 1) * GL_ORDER) : 0;
  const bandMatrix = new BandMatrix(n, band);
  const rhs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = nodes[i];
    for (let j = Math.max(0, i - band); j <= Math.min(n - 1, i + band); j++) {
      const x = nodes[j];
      bandMatrix.set(i, j, (i === j ? 1 : 0) - weights[j] * (kernel(y - x) + kernel(y + x)));
    }
    rhs[i] = kernel(y - gamma) + kernel(y + gamma);
  }
  const p = bandMatrix.solve(rhs);
  let mass = 2;
  for (let j = 0; j < n; j++) mass += 2 * weights[j] * p[j];
  const a = 1 / mass;
  let arb = 2 * a * expectedProfitFrom(gamma, sb, gamma);
  let trade = 2 * a * tradeProbabilityFrom(gamma, sb, gamma);
  for (let j = 0; j < n; j++) {
    const density = p[j] / mass;
    arb += 2 * weights[j] * density * expectedProfitFrom(nodes[j], sb, gamma);
    trade += 2 * weights[j] * density * tradeProbabilityFrom(nodes[j], sb, gamma);
  }
  return { arbPerBlock: arb, tradeProbability: trade, edgeMass: a };
}

/** P(|x + σ_b Z| > γ). */
function tradeProbabilityFrom(x: number, sb: number, gamma: number): number {
  return normalCdf((x - gamma) / sb) + normalCdf((-gamma - x) / sb);
}

/** E[profit fraction at z = x + σ_b Z]: the upper and the (mirrored) lower tail. */
function expectedProfitFrom(x: number, sb: number, gamma: number): number {
  return upperTailProfit(x - gamma, sb, gamma) + upperTailProfit(-x - gamma, sb, gamma);
}

/** ∫_0^∞ 2e^{γ/2} sinh²(u/4) φ_σb(u − m) du, by Gauss–Legendre over [0, m + σ_b²/2 + 12σ_b]. */
function upperTailProfit(m: number, sb: number, gamma: number): number {
  const upper = m + (sb * sb) / 2 + 12 * sb; // the integrand's peak sits near m + σ_b²/2
  if (upper <= 0) return 0;
  const lower = Math.max(0, m - 12 * sb);
  const panels = Math.max(1, Math.ceil((upper - lower) / sb));
  const [us, ws] = compositeGaussLegendre(lower, upper, panels, GL_ORDER);
  let sum = 0;
  for (let i = 0; i < us.length; i++) {
    const s = Math.sinh(us[i] / 4);
    const d = (us[i] - m) / sb;
    sum += ws[i] * s * s * Math.exp(-0.5 * d * d);
  }
  return (2 * Math.exp(gamma / 2) * sum) / (sb * Math.sqrt(2 * Math.PI));
}

// ─── Numerical helpers ──────────────────────────────────────────────────────────────────────────

/** Standard normal CDF Φ(x), accurate to ~1e-15 relative in both tails. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Complementary error function. |x| < 2.5: the all-positive series
 * erf(x) = (2/√π)·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3·…·(2n+1)) (no cancellation); beyond, the continued
 * fraction erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))) by modified Lentz.
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0; // below the smallest double
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + an / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on Pₙ from Chebyshev guesses). */
export function gaussLegendre(order: number): [nodes: Float64Array, weights: Float64Array] {
  const x = new Float64Array(order);
  const w = new Float64Array(order);
  for (let i = 0; i < Math.ceil(order / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (order + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= order; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = order === 1 ? z : p1;
      const pnm1 = order === 1 ? 1 : p0;
      dp = (order * (z * pn - pnm1)) / (z * z - 1);
      const dz = pn / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[i] = -z;
    x[order - 1 - i] = z;
    w[i] = w[order - 1 - i] = 2 / ((1 - z * z) * dp * dp);
  }
  return [x, w];
}

const glCache = new Map<number, [Float64Array, Float64Array]>();

/** Nodes and weights of `panels` equal panels of `order`-point Gauss–Legendre on [lo, hi]. */
export function compositeGaussLegendre(lo: number, hi: number, panels: number, order: number): [Float64Array, Float64Array] {
  let base = glCache.get(order);
  if (!base) {
    base = gaussLegendre(order);
    glCache.set(order, base);
  }
  const [bx, bw] = base;
  const xs = new Float64Array(panels * order);
  const ws = new Float64Array(panels * order);
  const h = (hi - lo) / panels;
  for (let p = 0; p < panels; p++) {
    const mid = lo + (p + 0.5) * h;
    for (let k = 0; k < order; k++) {
      xs[p * order + k] = mid + (h / 2) * bx[k];
      ws[p * order + k] = (h / 2) * bw[k];
    }
  }
  return [xs, ws];
}

/**
 * A square matrix with nonzeros only within `band` of the diagonal, solved by Gaussian elimination
 * without pivoting. Safe here: I − K is weakly diagonally dominant (the kernel's rows sum to at
 * most 1), for which elimination needs no pivoting and keeps the band.
 */
class BandMatrix {
  private readonly width: number;
  private readonly data: Float64Array;

  constructor(readonly size: number, readonly band: number) {
    this.width = 2 * band + 1;
    this.data = new Float64Array(size * this.width);
  }

  private index(i: number, j: number): number {
    return i * this.width + (j - i + this.band);
  }

  set(i: number, j: number, v: number): void {
    this.data[this.index(i, j)] = v;
  }

  solve(rhs: Float64Array): Float64Array {
    const { size: n, band: b, data } = this;
    const x = Float64Array.from(rhs);
    for (let k = 0; k < n; k++) {
      const diag = data[this.index(k, k)];
      if (diag === 0) throw new Error('zero pivot in BandMatrix.solve');
      const last = Math.min(n - 1, k + b);
      for (let i = k + 1; i <= last; i++) {
        const factor = data[this.index(i, k)] / diag;
        if (factor === 0) continue;
        for (let j = k; j <= last; j++) data[this.index(i, j)] -= factor * data[this.index(k, j)];
        x[i] -= factor * x[k];
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i];
      const last = Math.min(n - 1, i + b);
      for (let j = i + 1; j <= last; j++) s -= data[this.index(i, j)] * x[j];
      x[i] = s / data[this.index(i, i)];
    }
    return x;
  }
}
