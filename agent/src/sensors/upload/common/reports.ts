import { z } from 'zod';

/**
 * What the extension may send. Everything from a browser is untrusted text: every field is typed, bounded and
 * strict (unknown keys are refused), and arrays are capped, so a report can cost the agent only so much.
 */
const ProfileId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'profileId must be 8-64 letters, digits or dashes');
const Browser = z.enum(['chrome', 'chromium', 'edge']);
const Version = z.string().regex(/^[0-9][0-9.]{0,31}$/, 'extensionVersion must look like 1.2.3');
const Url = z.string().max(2048).refine((value) => value === '' || /^(https?|file|blob|data):/i.test(value), 'must be an http(s) URL');

export const HelloSchema = z.object({ profileId: ProfileId, browser: Browser, extensionVersion: Version }).strict();
export type Hello = z.infer<typeof HelloSchema>;

export const UploadFileSchema = z.object({
  /** Local path from webRequest (the agent hashes this file); absent for a File/Blob sent as the whole body. */
  path: z.string().min(1).max(4096).optional(),
  name: z.string().min(1).max(1024),
  /** How the file entered the page; 'script' when no trusted selection matched. */
  selectedBy: z.enum(['input', 'drop', 'paste', 'script']),
  /** Only for path-less files: size and SHA-256 of the File the user selected, hashed in the browser. */
  size: z.number().int().min(0).max(2 ** 53 - 1).optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
}).strict().refine((file) => file.path !== undefined || (file.size !== undefined && file.sha256 !== undefined), {
  message: 'a file without a local path needs size and sha256',
});

export const UploadReportSchema = z.object({
  /** Unique per report; a report delivered twice (retry) is recorded once. */
  reportId: z.string().min(1).max(128),
  profileId: ProfileId,
  browser: Browser,
  pageUrl: Url,
  destinationUrl: z.string().max(2048).regex(/^(https?|wss?):\/\//i, 'destinationUrl must be http(s)'),
  /** formdata: multipart from script (fetch or XHR); form: a plain form post; blob: a File/Blob as the whole body;
   * bytes: an in-memory body (ArrayBuffer, typed array, string); resumable: Content-Range chunks (Google Drive
   * resumable included) folded into one; tus: tus 1.0 PATCHes folded; s3-multipart: S3 parts folded;
   * goog-resumable: Google's X-Goog-Upload protocol (Drive's web client, Photos) folded. */
  transport: z.enum(['formdata', 'form', 'blob', 'bytes', 'resumable', 'tus', 's3-multipart', 'goog-resumable']),
  timeMs: z.number().int().min(0).optional(),
  files: z.array(UploadFileSchema).min(1).max(100),
}).strict();
export type UploadReport = z.infer<typeof UploadReportSchema>;

/** First problem as one line, for the 400 answer (never echoes the input). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid';
}
