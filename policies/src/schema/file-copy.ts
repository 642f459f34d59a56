import { z } from 'zod';

/** A folder through which files leave the organisation without passing removable media. */
export const FileCopyExitSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['cloud_sync', 'network_share']),
  /** Folder on the PC; a leading "~" is the logged-in user's home. Missing folders are skipped, not errors. */
  path: z.string().min(1),
}).strict();

const defaultExits = [
  { name: 'OneDrive', kind: 'cloud_sync', path: '~/OneDrive' },
  { name: 'Dropbox', kind: 'cloud_sync', path: '~/Dropbox' },
  { name: 'Google Drive', kind: 'cloud_sync', path: '~/Google Drive' },
] as const;

/**
 * The `file_copy` section: what counts as an exit (removable media always does) and where copies are traced back
 * to. Owned by the file-copy feature.
 */
export const FileCopyPolicySchema = z.object({
  /** Record every file written to mounted removable media. */
  removable: z.boolean().default(true),
  /** Also record files written to mounted network shares (cifs, nfs, smb, sshfs). */
  network_shares: z.boolean().default(true),
  /** Cloud-sync and other exit folders watched like removable media. */
  exits: z.array(FileCopyExitSchema).default([...defaultExits]),
  /** Where a copied file's content is looked up to name its source (a leading "~" is the user's home). */
  source_folders: z.array(z.string().min(1)).default(['~/Documents', '~/Desktop']),
  /** Paths (relative to the exit root) never recorded: filesystem housekeeping. Glob with * and **. */
  ignore: z.array(z.string().min(1)).default(['.Trash-*/**', 'System Volume Information/**', '.Spotlight-V100/**', '.fseventsd/**']),
}).strict().prefault({});

export type FileCopyPolicy = z.infer<typeof FileCopyPolicySchema>;
export type FileCopyExit = z.infer<typeof FileCopyExitSchema>;
