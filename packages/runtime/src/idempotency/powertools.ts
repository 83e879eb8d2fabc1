// The two Powertools idempotency exports the runner uses, in a module of their own: the runner
// loads it with import() (only when idempotency is on), and esbuild keeps only these two, where an
// import() of the package itself would keep its whole namespace.
export { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
