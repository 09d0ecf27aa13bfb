/**
 * Two standard inference APIs on loopback, as the two models are really deployed:
 * - the current model behind the Open Inference Protocol (KServe v2):
 *   POST /v2/models/{name}/infer  {"inputs":[{"name","shape","datatype","data"}]} → {"outputs":[…]}
 * - the new model on a TF Serving-style stack (the platform migration):
 *   POST /v1/models/{name}:predict  {"instances":[{…}]} → {"predictions":[…]}
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Measurements } from './features.ts';
import type { Model } from './models.ts';

export interface ModelServer {
  url: string;
  close(): Promise<void>;
}

/** An Open Inference Protocol request with one value per named input. */
export interface InferRequest {
  inputs: { name: string; shape: number[]; datatype: string; data: number[] }[];
}

export function inferRequest(m: Measurements): InferRequest {
  return {
    inputs: (['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'] as const).map((name) => ({ name, shape: [1], datatype: 'FP32', data: [m[name]] })),
  };
}

/** The current model: Open Inference Protocol (KServe v2). */
export function startInferenceServer(model: Model, features: (m: Measurements) => number[]): Promise<ModelServer> {
  return serve(`/v2/models/${model.name}/infer`, (body) => {
    const request = body as InferRequest;
    const named = Object.fromEntries(request.inputs.map((input) => [input.name, input.data[0]])) as unknown as Measurements;
    const species = model.predict(features(named));
    return { model_name: model.name, outputs: [{ name: 'species', shape: [1], datatype: 'BYTES', data: [species] }] };
  });
}

/** The new model: TF Serving-style `instances` / `predictions`. */
export function startPredictServer(model: Model, features: (m: Measurements) => number[]): Promise<ModelServer> {
  return serve(`/v1/models/${model.name}:predict`, (body) => {
    const { instances } = body as { instances: Measurements[] };
    return { predictions: instances.map((instance) => ({ species: model.predict(features(instance)) })) };
  });
}

async function serve(path: string, answer: (body: unknown) => unknown): Promise<ModelServer> {
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== path) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `POST ${path}` }));
        return;
      }
      try {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(JSON.parse(text))));
      } catch (error) {
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
