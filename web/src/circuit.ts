// The five-element equivalent circuit of an epithelial layer (SPEC section 1).
// Parameters are always in SI units and in the order Rsh, Ra, Ca, Rb, Cb.

export const PARAM_NAMES = ['Rsh', 'Ra', 'Ca', 'Rb', 'Cb'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];
export type Params = Record<ParamName, number>;
/** Each parameter's unit as the server names it (`param_units`); units.ts says how it is shown. */
export const PARAM_UNITS: Record<ParamName, string> = { Rsh: 'ohm', Ra: 'ohm', Ca: 'farad', Rb: 'ohm', Cb: 'farad' };

/** Capacitances are stored in farads and shown in microfarads. */
export function isCapacitance(name: ParamName): boolean {
  return name === 'Ca' || name === 'Cb';
}

export function paramsFromArray(a: ArrayLike<number | null>): Params {
  const v = (i: number) => (a[i] == null ? NaN : Number(a[i]));
  return { Rsh: v(0), Ra: v(1), Ca: v(2), Rb: v(3), Cb: v(4) };
}

/** Transepithelial resistance: Rsh (Ra + Rb) / (Rsh + Ra + Rb), in ohms. */
export function ter(p: Params): number {
  const series = p.Ra + p.Rb;
  return (p.Rsh * series) / (p.Rsh + series);
}

/** Transepithelial capacitance: Ca Cb / (Ca + Cb), in farads. */
export function tec(p: Params): number {
  return (p.Ca * p.Cb) / (p.Ca + p.Cb);
}

/** Membrane time constants in seconds. */
export function tau(p: Params): { a: number; b: number } {
  return { a: p.Ra * p.Ca, b: p.Rb * p.Cb };
}

export interface Complex {
  re: number;
  im: number;
}

export function div(a: Complex, b: Complex): Complex {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}

/** Impedance of the circuit at frequency f [Hz]. */
export function impedance(p: Params, f: number): Complex {
  const w = 2 * Math.PI * f;
  const za = div({ re: p.Ra, im: 0 }, { re: 1, im: w * p.Ra * p.Ca });
  const zb = div({ re: p.Rb, im: 0 }, { re: 1, im: w * p.Rb * p.Cb });
  const sum = { re: za.re + zb.re, im: za.im + zb.im };
  const num = { re: p.Rsh * sum.re, im: p.Rsh * sum.im };
  return div(num, { re: p.Rsh + sum.re, im: sum.im });
}

/** Spectrum rows as the API gives them: [real, imag, magnitude, phase in degrees]. */
export function spectrum(p: Params, freqs: ArrayLike<number>): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < freqs.length; i++) {
    const z = impedance(p, freqs[i]);
    out.push([z.re, z.im, Math.hypot(z.re, z.im), (Math.atan2(z.im, z.re) * 180) / Math.PI]);
  }
  return out;
}

/** n frequencies from fmin to fmax, both ends included, log or linear spacing. */
export function frequencyGrid(fmin: number, fmax: number, n: number, spacing: 'log' | 'linear' = 'log'): number[] {
  if (n < 1) return [];
  if (n === 1) return [fmin];
  const out: number[] = [];
  if (spacing === 'linear') {
    for (let i = 0; i < n; i++) out.push(fmin + ((fmax - fmin) * i) / (n - 1));
  } else {
    const a = Math.log10(fmin);
    const b = Math.log10(fmax);
    for (let i = 0; i < n; i++) out.push(10 ** (a + ((b - a) * i) / (n - 1)));
  }
  return out;
}
