// Event drafts for tests and benchmarks. Imports nothing, so a benchmarked agent carries no test dependencies.

/** A print-job event draft, a realistic small payload. */
export function sampleEvent(i: number) {
  return { user: 'tanaka', printJob: { jobId: i, documentName: `見積書-${i}.pdf`, printer: 'PDF', pages: 1 + (i % 7), copies: 1, state: 'completed' } };
}

/** A print-job draft whose document name (`TAG-i`) lets a test find each event again on the collector. */
export function taggedPrintEvent(tag: string, i: number) {
  return { user: 'tanaka', printJob: { jobId: i, documentName: `${tag}-${i}`, printer: 'PDF', pages: 1, copies: 1, state: 'completed', submittedMs: Date.now() + i } };
}
