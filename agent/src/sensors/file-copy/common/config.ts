import { z } from 'zod';

/** `sensors.fileCopy` in the agent config (what to watch comes from policy `file_copy`; this is how). */
export const FileCopySensorConfigSchema = z.object({
  enabled: z.boolean().default(true),
  /** Files hashed at once; 2 keeps a 2-core PC responsive while a user copies. */
  hashConcurrency: z.number().int().min(1).max(16).default(2),
  /**
   * low: files are hashed on a worker thread at nice 19 (its reads get low I/O priority too, on Linux), so hashing a
   * big file never slows the user's next copy; normal: streamed on the main thread.
   */
  hashPriority: z.enum(['low', 'normal']).default('low'),
  /**
   * Content inspection of what landed waits until no exit has seen a write for this long (the user's copy is over),
   * or `inspectMaxDelayMs` at most, and then runs one file at a time.
   */
  inspectQuietMs: z.number().int().min(0).max(60_000).default(1_000),
  inspectMaxDelayMs: z.number().int().min(0).max(600_000).default(30_000),
  /**
   * Files up to this size are kept in memory from the hashing read and inspected from there (one read, not two),
   * while no more than `inspectKeepTotalBytes` are held waiting; larger files are read again when inspected.
   */
  inspectKeepBytes: z.number().int().min(0).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  inspectKeepTotalBytes: z.number().int().min(0).default(64 * 1024 * 1024),
  /**
   * Files are hashed once their exit has seen no write for this long (the user's copy is over; a big file is hashed
   * once, at its end); under writes that never pause, after `settleMaxDelayMs` at most.
   */
  settleMs: z.number().int().min(0).max(60_000).default(300),
  settleMaxDelayMs: z.number().int().min(0).max(600_000).default(30_000),
  /** Rescan of a watched root after a quiet period, catching anything the OS watcher dropped under a burst. */
  reconcileQuietMs: z.number().int().min(50).max(60_000).default(1_000),
  /** How often the source folders' index is rebuilt at most (lookups retry a stale index once). */
  sourceIndexRefreshMs: z.number().int().min(500).default(60_000),
  /** Files indexed per source folder at most, so a huge file server mount cannot exhaust memory. */
  sourceIndexMaxFiles: z.number().int().min(1).default(200_000),
  /** Poll interval for mounted network shares (Linux mountinfo). */
  networkSharePollMs: z.number().int().min(100).default(2_000),
  /** Directory depth watched below an exit root. */
  maxDepth: z.number().int().min(0).max(64).default(32),
  /**
   * How trees are watched: "native" fs.watch (one inotify watch per directory on Linux, recursive on Windows and
   * macOS) or "chokidar". Native is the default because chokidar slowed a 5,000-file copy 1.3-1.5x (bench:usb-copy).
   */
  watcher: z.enum(['native', 'chokidar']).default('native'),
  /**
   * Native watcher on Linux: a directory's watch is closed for this long after an event (0: never), so a copy's
   * thousands of writes wake the agent a few times, not once each; the rescan after the burst covers the pause.
   */
  watchPauseMs: z.number().int().min(0).max(1_000).default(100),
}).strict().prefault({});

export type FileCopySensorConfig = z.infer<typeof FileCopySensorConfigSchema>;
