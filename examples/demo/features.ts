/**
 * Feature builders: how each serving stack turns a request into the model's feature vector.
 * Training used the same order — [bill length, bill depth, flipper length, body mass] — for both models.
 */

/** The measurements a request carries, whatever its wire shape. */
export interface Measurements {
  bill_length_mm: number;
  bill_depth_mm: number;
  flipper_length_mm: number;
  body_mass_g: number;
}

export const FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'] as const;

/** The current serving stack's feature builder. */
export function currentFeatures(m: Measurements): number[] {
  return [m.bill_length_mm, m.bill_depth_mm, m.flipper_length_mm, m.body_mass_g];
}

/**
 * The new serving stack's feature builder. The bug the demo is about: the bill-depth line was copied from
 * the line above and its column never changed. Training used the right column (the offline pipeline is a
 * different codebase), so offline accuracy looks excellent; only live traffic sees the wrong feature.
 */
export function newFeatures(m: Measurements, { fixed }: { fixed: boolean }): number[] {
  return [
    m.bill_length_mm,
    fixed ? m.bill_depth_mm : m.bill_length_mm, // ← the bug: depth built from the length column
    m.flipper_length_mm,
    m.body_mass_g,
  ];
}
