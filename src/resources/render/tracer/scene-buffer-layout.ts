// Word offsets of the flattened scene buffer shared with the WebAssembly tracer (assembly/layout.ts mirrors these).

export const MAGIC = 0x54525747; // "GWRT"
export const VERSION = 1;
export const HEADER_WORDS = 32;
export const H = {
  tris: 2,
  mats: 3,
  texs: 4,
  lights: 5,
  texels: 6,
  camType: 7,
  camPos: 8,
  camRight: 11,
  camUp: 14,
  camFwd: 17,
  camScale: 20,
  keyLo: 21,
  keyHi: 22,
  frame: 23,
  env: 24,
  maxDepth: 27,
  exposure: 28,
} as const;
export const TRI_WORDS = 25;
export const MAT_FLOATS = 16;
export const TEX_WORDS = 8;
export const LIGHT_WORDS = 16;
/** Bounces per path before it is cut off; Russian roulette usually ends paths earlier. */
export const MAX_DEPTH = 8;
