// The sensor's S3 client is the shared one: the same request timeouts and the same single
// retry layer as every other AWS client.
export { createS3Client, type RequestTimeouts } from '../core/aws-clients.js'
