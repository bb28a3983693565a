import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, errorBody } from '../errors.ts';
import type { App } from './app-type.ts';

/** Installs the one error handler: every failure leaves as `{ error: { code, message, details? } }`. */
export function installErrorHandling(app: App): void {
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(errorBody('ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      // A throttle or limit that says when to come back says it in the standard header too.
      const retryAfter = (error.details as { retry_after_seconds?: unknown } | undefined)
        ?.retry_after_seconds;
      if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after')) {
        reply.header('retry-after', String(retryAfter));
      }
      reply.code(error.status).send(errorBody(error.code, error.message, error.details));
      return;
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => ({
        path: `${v.instancePath || '/'}`,
        message: v.message,
      }));
      reply
        .code(400)
        .send(
          errorBody('VALIDATION_FAILED', `Invalid request ${error.validationContext ?? ''}`.trim(), details),
        );
      return;
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      reply.code(413).send(errorBody('PAYLOAD_TOO_LARGE', error.message));
      return;
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      reply.code(400).send(errorBody('VALIDATION_FAILED', 'The body is not valid JSON.'));
      return;
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      reply.code(415).send(errorBody('VALIDATION_FAILED', error.message));
      return;
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      reply.code(error.statusCode).send(errorBody('VALIDATION_FAILED', error.message));
      return;
    }
    request.log.error({ err: error }, 'unhandled error');
    reply.code(500).send(errorBody('INTERNAL', 'Something went wrong on our side.'));
  });
}
