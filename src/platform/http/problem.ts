import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, statusOfKind, type Logger } from '../../kernel/index.ts';

/** RFC 9457 problem details, the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  requestId: string;
  field?: string;
  errors?: Array<{ field: string; message: string }>;
  [extra: string]: unknown;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail: string, requestId: string, extra: Partial<Problem> = {}): Problem {
  return { type: `https://opencitybrain.org/problems/${code}`, title: titles[status] ?? 'Error', status, code, detail, requestId, ...extra };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.status(p.status).type('application/problem+json; charset=utf-8').send(p);
}

interface ValidationItem {
  instancePath?: string;
  schemaPath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** `/body/people` or `/query/limit`: where the bad input is, so the caller can fix it. */
function fieldOf(context: string | undefined, item: ValidationItem): string {
  let path = item.instancePath ?? '';
  const missing = item.params?.['missingProperty'];
  if (typeof missing === 'string') path += `/${missing}`;
  const extra = item.params?.['additionalProperty'];
  if (typeof extra === 'string') path += `/${extra}`;
  return `/${context ?? 'body'}${path}`;
}

/** One error handler for the whole server: AppError kinds map to statuses; unknown errors are masked. */
export function errorHandler(logger: Logger) {
  return (error: FastifyError & { validation?: ValidationItem[]; validationContext?: string }, request: FastifyRequest, reply: FastifyReply) => {
    const requestId = String(request.id);
    if (isAppError(error)) {
      const status = statusOfKind[error.kind];
      if (status >= 500) logger.warn({ err: error, requestId }, 'unavailable');
      const { field, ...rest } = error.details ?? {};
      return sendProblem(reply, problem(status, error.code, error.message, requestId, { ...(field ? { field } : {}), ...rest }));
    }
    if (error.validation) {
      const errors = error.validation.map((v) => ({ field: fieldOf(error.validationContext, v), message: v.message ?? 'invalid' }));
      const first = errors[0];
      return sendProblem(
        reply,
        problem(400, 'validation_failed', first ? `${first.field}: ${first.message}` : 'invalid input', requestId, {
          field: first?.field,
          errors,
        }),
      );
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendProblem(reply, problem(status, (error.code ?? 'bad_request').toLowerCase(), error.message, requestId));
    }
    logger.error({ err: error, requestId, url: request.url }, 'unhandled error');
    return sendProblem(reply, problem(500, 'internal', 'internal error; quote the requestId when reporting it', requestId));
  };
}
