/**
 * An error the API answers with: the HTTP status and error type EMR Serverless uses, which
 * the AWS SDK turns into the matching exception class (from the `x-amzn-errortype` header).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string
  ) {
    super(message)
  }
}

export const validation = (message: string) => new ApiError(400, 'ValidationException', message)
export const notFound = (message: string) => new ApiError(404, 'ResourceNotFoundException', message)
export const conflict = (message: string) => new ApiError(409, 'ConflictException', message)
