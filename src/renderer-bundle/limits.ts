// Limits of serving the renderer bundle, with their reasons.

/** Largest file either shell serves from the bundle. The renderer's biggest asset (the React
 * bundle) is a few hundred KiB; anything near this is not part of the renderer build. */
export const RENDERER_FILE_MAX_BYTES = 16 * 1024 * 1024;
