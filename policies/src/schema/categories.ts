import { z } from 'zod';

/** Destination categories: category name → domains (a domain matches itself and its subdomains). */
export const CategoriesSchema = z.record(z.string(), z.array(z.string())).default({});
