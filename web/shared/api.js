/**
 * Calls to the services through the gateway (`/api/<service>/...`, one origin, no CORS), with
 * the in-memory access token. Errors are the services' problem documents, thrown as ApiError.
 * @module
 */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} detail
   */
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

/**
 * A client of the gateway's API that asks `token()` for the bearer token.
 * @param {() => Promise<string>} token
 */
export function apiClient(token) {
  /**
   * @param {string} method
   * @param {string} path e.g. `/tickets/v1/tickets`
   * @param {{ body?: unknown, headers?: Record<string, string> }} [options]
   */
  async function call(method, path, options = {}) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${await token()}`, ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`/api${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (!response.ok) throw await apiError(response);
    return response;
  }
  return {
    /** @param {string} path */
    get: async (path) => (await call("GET", path)).json(),
    /** @param {string} path */
    blob: async (path) => (await call("GET", path)).blob(),
    /**
     * @param {string} method
     * @param {string} path
     * @param {unknown} body
     * @param {Record<string, string>} [headers]
     */
    send: async (method, path, body, headers) => {
      const response = await call(method, path, { body, headers });
      return response.status === 204 ? null : response.json();
    },
  };
}

/** @param {Response} response */
async function apiError(response) {
  const problem = await response.json().catch(() => ({}));
  return new ApiError(
    response.status,
    String(problem.code ?? problem.error ?? "http_error"),
    String(problem.detail ?? problem.error_description ?? response.statusText),
  );
}

/** @typedef {ReturnType<typeof apiClient>} Api */
