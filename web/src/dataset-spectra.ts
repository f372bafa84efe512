// The spectra of a dataset's rows and its reference, from the server: the stored ones when the file
// has them, else its circuit model's (any model: the server computes them with the model's own
// impedance). Shared by the dataset view and the comparison of datasets.

import { api, type Dataset, type SpectrumData } from './api';
import { frequencyGrid, spectrum } from './circuit';
import type { Row } from './selection';

/** Plot rows [real, imag, |Z|, phase°] per frequency. */
export type SpectrumRows = (number | null)[][];

export interface DatasetSpectra {
  /** Null when neither the file nor the catalog gives the frequencies. */
  freqs: number[] | null;
  reference: SpectrumRows | null;
  /** The server's spectra by rank, each with whether the file stores it. */
  rows: Map<number, { rows: SpectrumRows; stored: boolean }>;
  /** The rows' circuit model is rc: the page can compute a spectrum itself if the server cannot. */
  rc: boolean;
  /** Why some or all spectra are computed from the circuit model; empty when none are. */
  note: string;
}

/** The circuit model of a dataset's rows: rc for a server that does not name it. */
export function datasetModel(dataset: Dataset): string {
  return (dataset as Dataset & { model?: string }).model ?? 'rc';
}

export interface SpectraSource {
  dataset: Dataset;
  /** Stored spectra in the file (ranks below this have one). */
  nSpectra: number;
  spacing: 'log' | 'linear';
}

/** Fetches the spectra of `ranks` with the frequencies and the reference. */
export async function loadSpectra(src: SpectraSource, ranks: number[]): Promise<DatasetSpectra> {
  const { dataset, nSpectra } = src;
  const out: DatasetSpectra = { freqs: null, reference: null, rows: new Map(), rc: datasetModel(dataset) === 'rc', note: '' };
  if (nSpectra === 0) out.note = 'This dataset stores no spectra; the plotted ones are computed from the circuit model.';
  if ((dataset.n_parameters ?? 0) > 0) {
    try {
      // Rank 0 when no row is asked for: for the frequencies and the reference spectrum.
      const r = await api.spectrum(dataset.filename, ranks.length > 0 ? ranks : [0]);
      out.freqs = r.data.frequencies;
      out.reference = r.data.reference;
      // A server older than `stored` sends stored spectra only.
      const stored = (r.data as SpectrumData & { stored?: boolean[] }).stored;
      r.data.indices.forEach((rank, i) => out.rows.set(rank, { rows: r.data.spectra[i], stored: stored?.[i] ?? true }));
    } catch (e) {
      out.note = out.rc
        ? `Spectra not available from the server (${(e as Error).message}); computed from the circuit model instead.`
        : `Spectra not available from the server (${(e as Error).message}).`;
    }
  }
  if (!out.freqs && dataset.freq_min && dataset.freq_max && dataset.n_frequencies) {
    out.freqs = frequencyGrid(dataset.freq_min, dataset.freq_max, dataset.n_frequencies, src.spacing);
  }
  if (out.freqs && !out.reference && dataset.reference) out.reference = spectrum(dataset.reference, out.freqs);
  return out;
}

/**
 * A row's spectrum: the server's (stored, or its model's); else, for an rc row, the circuit's at the
 * dataset's frequencies; else none.
 */
export function rowSpectrum(s: DatasetSpectra, row: Row): { rows: SpectrumRows; stored: boolean } {
  const got = s.rows.get(row.rank);
  if (got) return got;
  return { rows: s.rc ? spectrum(row.params, s.freqs ?? []) : [], stored: false };
}

/** How the list's entry says the dataset was made, until the file's metadata says better. */
export function spectraSource(dataset: Dataset): SpectraSource {
  return { dataset, nSpectra: dataset.n_spectra ?? 0, spacing: dataset.frequency_spacing === 'linear' ? 'linear' : 'log' };
}
