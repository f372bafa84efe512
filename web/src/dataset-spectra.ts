// The spectra of a dataset's rows and its reference: the stored ones when the file has them, the
// circuit model's otherwise. Shared by the dataset view and the comparison of datasets.

import { api, type Dataset } from './api';
import { frequencyGrid, spectrum } from './circuit';
import type { Row } from './selection';

/** Plot rows [real, imag, |Z|, phase°] per frequency. */
export type SpectrumRows = (number | null)[][];

export interface DatasetSpectra {
  /** Null when neither the file nor the catalog gives the frequencies. */
  freqs: number[] | null;
  reference: SpectrumRows | null;
  /** Stored spectra by rank. */
  stored: Map<number, SpectrumRows>;
  /** Why some or all spectra are computed from the circuit model; empty when none are. */
  note: string;
}

export interface SpectraSource {
  dataset: Dataset;
  /** Stored spectra in the file (ranks below this have one). */
  nSpectra: number;
  spacing: 'log' | 'linear';
}

/** Fetches the stored spectra of `ranks` (those the file has) with the frequencies and the reference. */
export async function loadSpectra(src: SpectraSource, ranks: number[]): Promise<DatasetSpectra> {
  const { dataset, nSpectra } = src;
  const out: DatasetSpectra = { freqs: null, reference: null, stored: new Map(), note: '' };
  if (nSpectra > 0) {
    const withSpectra = ranks.filter((r) => r < nSpectra);
    try {
      // Rank 0 when nothing stored is asked for: for the frequencies and the reference spectrum.
      const r = await api.spectrum(dataset.filename, withSpectra.length > 0 ? withSpectra : [0]);
      out.freqs = r.data.frequencies;
      out.reference = r.data.reference;
      r.data.indices.forEach((rank, i) => out.stored.set(rank, r.data.spectra[i]));
    } catch (e) {
      out.note = `Stored spectra not available (${(e as Error).message}); computed from the circuit model instead.`;
    }
  } else {
    out.note = 'This dataset stores no spectra; the plotted ones are computed from the circuit model.';
  }
  if (!out.freqs && dataset.freq_min && dataset.freq_max && dataset.n_frequencies) {
    out.freqs = frequencyGrid(dataset.freq_min, dataset.freq_max, dataset.n_frequencies, src.spacing);
  }
  if (out.freqs && !out.reference && dataset.reference) out.reference = spectrum(dataset.reference, out.freqs);
  return out;
}

/** A row's spectrum: the stored one, else the circuit model's at the dataset's frequencies. */
export function rowSpectrum(s: DatasetSpectra, row: Row): { rows: SpectrumRows; stored: boolean } {
  const stored = s.stored.get(row.rank);
  if (stored) return { rows: stored, stored: true };
  return { rows: spectrum(row.params, s.freqs ?? []), stored: false };
}

/** How the list's entry says the dataset was made, until the file's metadata says better. */
export function spectraSource(dataset: Dataset): SpectraSource {
  return { dataset, nSpectra: dataset.n_spectra ?? 0, spacing: dataset.frequency_spacing === 'linear' ? 'linear' : 'log' };
}
