/** RFC 9457 problem details as the platform answers them (STYLE.md "Errors and input"). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code?: string;
  detail?: string;
  requestId?: string;
  /** Where the bad input is, e.g. `/body/name` (validation and domain errors name it). */
  field?: string;
}

/** A failed API call: an HTTP error with its problem details, or a network failure (status 0). */
export class ApiError extends Error {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;
  readonly field: string | undefined;

  constructor(problem: Problem, options?: { cause?: unknown }) {
    super(problem.detail ?? problem.title, options);
    this.name = 'ApiError';
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.requestId = problem.requestId;
    this.field = problem.field;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function toProblem(body: unknown, response: Response): Problem {
  const fallback: Problem = { type: 'about:blank', title: response.statusText || `HTTP ${response.status}`, status: response.status };
  if (!isRecord(body)) return fallback;
  return {
    type: optionalString(body.type) ?? fallback.type,
    title: optionalString(body.title) ?? fallback.title,
    status: typeof body.status === 'number' ? body.status : response.status,
    code: optionalString(body.code),
    detail: optionalString(body.detail),
    requestId: optionalString(body.requestId) ?? response.headers.get('x-request-id') ?? undefined,
    field: optionalString(body.field),
  };
}

/**
 * GETs (or sends) JSON and returns the parsed body typed as T. The caller owns the shape: the
 * server validates its responses against the OpenAPI schemas. Throws ApiError on any failure.
 */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail: String(cause) }, { cause });
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch (cause) {
      const problem = response.ok
        ? { type: 'about:blank', title: 'Invalid JSON', status: response.status, detail: `${url} did not answer JSON` }
        : toProblem(undefined, response);
      throw new ApiError(problem, { cause });
    }
  }
  if (!response.ok) throw new ApiError(toProblem(body, response));
  return body as T;
}

/** True when the error is an aborted request (a component unmounted), which needs no message. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
