import { truncate } from '../utils/truncate';

export interface ErrorDescription {
  /** `http_<status>`, `timeout`, `network`, `invalid_json`, `aborted`, or the error's own `code` / `error`. */
  code: string;
  status?: number;
  message: string;
}

/**
 * Classifies an error by shape, not by class, so `run()`-only apps don't pull ky in just to read
 * its errors. ky's HTTPError carries `response`; its TimeoutError and NetworkError have those names.
 */
export function describeError(error: unknown): ErrorDescription {
  const value = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    response?: { status?: unknown };
  };
  const message = truncate(typeof value.message === 'string' ? value.message : String(error), 512);
  const status = value.response?.status;
  if (typeof status === 'number' && status >= 100 && status <= 599) return { code: `http_${status}`, status, message };
  switch (value.name) {
    case 'TimeoutError':
      return { code: 'timeout', message };
    case 'NetworkError':
      return { code: 'network', message };
    case 'SyntaxError':
      return { code: 'invalid_json', message };
    case 'AbortError':
      return { code: 'aborted', message };
    default:
      return { code: 'error', message };
  }
}
