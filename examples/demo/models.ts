/** The two models: random forests (ml-random-forest) trained on the same penguins, the new one larger. */
import { createRequire } from 'node:module';
import { SPECIES, type Penguin, type Species } from './data.ts';
import { currentFeatures } from './features.ts';

const { RandomForestClassifier } = createRequire(import.meta.url)('ml-random-forest') as {
  RandomForestClassifier: new (options: Record<string, unknown>) => { train(x: number[][], y: number[]): void; predict(x: number[][]): number[] };
};

export interface Model {
  name: string;
  description: string;
  predict(features: number[]): Species;
  /** Test-set accuracy with the training pipeline's (correct) features. */
  accuracy: number;
}

export function trainModel(name: string, train: Penguin[], test: Penguin[], options: { trees: number; seed: number }): Model {
  const forest = new RandomForestClassifier({ nEstimators: options.trees, seed: options.seed, maxFeatures: 3, replacement: true, noOOB: true });
  forest.train(train.map(currentFeatures), train.map((penguin) => SPECIES.indexOf(penguin.species)));
  const predict = (features: number[]) => SPECIES[forest.predict([features])[0]!]!;
  const correct = test.filter((penguin) => predict(currentFeatures(penguin)) === penguin.species).length;
  return { name, description: `random forest, ${options.trees} trees`, predict, accuracy: correct / test.length };
}
