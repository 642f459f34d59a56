import { z } from 'zod';

/** A host name or a domain suffix: lower case, no scheme, port or path ("dropbox.com", "drive.google.com"). */
const DomainSchema = z.string().trim().toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a domain name like "dropbox.com" (no scheme, port or path)');

/**
 * Destination categories: category name → domains (a domain matches itself and its subdomains; the longest
 * matching domain wins across categories). Shipped names: personal_cloud, webmail, file_transfer, social_media,
 * generative_ai, code_hosting, organisation (the organisation's own, allow-listed domains).
 */
export const CategoriesSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'category names are snake_case'),
  z.array(DomainSchema),
).default({});

export type Categories = z.infer<typeof CategoriesSchema>;
