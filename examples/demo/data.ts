/**
 * The Palmer penguins data set (Gorman, Williams & Fraser, 2014: 344 real birds from three islands of the
 * Palmer Archipelago), as shipped inside the `vega-datasets` package: read from disk, never fetched.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'] as const;
export type Species = (typeof SPECIES)[number];

export interface Penguin {
  /** A band id, stable per bird: the sticky sampling key. */
  band: string;
  species: Species;
  island: string;
  sex: string;
  bill_length_mm: number;
  bill_depth_mm: number;
  flipper_length_mm: number;
  body_mass_g: number;
}

interface RawPenguin {
  Species: Species;
  Island: string;
  Sex: string | null;
  'Beak Length (mm)': number | null;
  'Beak Depth (mm)': number | null;
  'Flipper Length (mm)': number | null;
  'Body Mass (g)': number | null;
}

export function loadPenguins(): Penguin[] {
  // vega-datasets' own loader fetches from a CDN; the JSON files ship in the package, so read them from disk.
  const file = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data', 'penguins.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawPenguin[];
  return raw
    .filter((row) => row['Beak Length (mm)'] !== null && row['Beak Depth (mm)'] !== null && row['Flipper Length (mm)'] !== null && row['Body Mass (g)'] !== null)
    .map((row, i) => ({
      band: `PAL-${String(i + 1).padStart(4, '0')}`,
      species: row.Species,
      island: row.Island,
      sex: row.Sex ?? 'unknown',
      bill_length_mm: row['Beak Length (mm)']!,
      bill_depth_mm: row['Beak Depth (mm)']!,
      flipper_length_mm: row['Flipper Length (mm)']!,
      body_mass_g: row['Body Mass (g)']!,
    }));
}

/** A small deterministic generator, so every run trains, splits and measures the same way. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function split(penguins: Penguin[], trainShare: number, random: () => number): { train: Penguin[]; test: Penguin[] } {
  const shuffled = penguins.map((penguin) => ({ penguin, order: random() })).sort((a, b) => a.order - b.order).map(({ penguin }) => penguin);
  const cut = Math.round(shuffled.length * trainShare);
  return { train: shuffled.slice(0, cut), test: shuffled.slice(cut) };
}

/**
 * Field traffic: birds of the colony measured again, with the spread of real field measurements
 * (about 1.5% on lengths, 3% on mass), rounded like the instruments round.
 */
export function fieldMeasurements(penguins: Penguin[], count: number, random: () => number): Penguin[] {
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, () => {
    const bird = penguins[Math.floor(random() * penguins.length)]!;
    return {
      ...bird,
      bill_length_mm: round(bird.bill_length_mm * (1 + 0.015 * gauss()), 1),
      bill_depth_mm: round(bird.bill_depth_mm * (1 + 0.015 * gauss()), 1),
      flipper_length_mm: Math.round(bird.flipper_length_mm * (1 + 0.015 * gauss())),
      body_mass_g: Math.round((bird.body_mass_g * (1 + 0.03 * gauss())) / 25) * 25,
    };
  });
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
