// Frequency presets that users know (SPEC section 2); the server knows them by the same names.

export interface FrequencyPreset {
  name: string;
  label: string;
  fmin: number;
  fmax: number;
  points: number;
  spacing: 'log' | 'linear';
}

export const PRESETS: FrequencyPreset[] = [
  { name: 'standard', label: 'Standard', fmin: 0.1, fmax: 1e5, points: 100, spacing: 'log' },
  { name: 'high_res', label: 'High resolution', fmin: 0.01, fmax: 1e6, points: 500, spacing: 'log' },
  { name: 'fast', label: 'Fast', fmin: 1, fmax: 1e4, points: 50, spacing: 'log' },
  { name: 'low_freq', label: 'Low frequency', fmin: 1e-3, fmax: 1e2, points: 200, spacing: 'log' },
  { name: 'linear', label: 'Linear', fmin: 10, fmax: 1e3, points: 100, spacing: 'linear' },
  { name: 'ultra_wide', label: 'Ultra wide', fmin: 1e-4, fmax: 1e7, points: 1000, spacing: 'log' },
  { name: 'mid_range', label: 'Mid range', fmin: 10, fmax: 1e5, points: 250, spacing: 'log' },
];

export function presetByName(name: string): FrequencyPreset | undefined {
  return PRESETS.find((p) => p.name === name);
}
