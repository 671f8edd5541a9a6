// Layout of the flattened scene buffer (32-bit little-endian words) that frame-buffer.ts writes and the tracer
// reads. Keep in step with scene-buffer-layout.ts on the TypeScript side.

export const MAGIC: u32 = 0x54525747; // "GWRT"
export const VERSION: u32 = 1;

export const H_TRIS = 2;
export const H_MATS = 3;
export const H_TEXS = 4;
export const H_LIGHTS = 5;
export const H_TEXELS = 6;
export const H_CAM_TYPE = 7;
export const H_CAM_POS = 8;
export const H_CAM_RIGHT = 11;
export const H_CAM_UP = 14;
export const H_CAM_FWD = 17;
export const H_CAM_SCALE = 20;
export const H_KEY_LO = 21;
export const H_KEY_HI = 22;
export const H_FRAME = 23;
export const H_ENV = 24;
export const H_MAX_DEPTH = 27;
export const H_EXPOSURE = 28;
export const HEADER_WORDS = 32;

export const TRI_WORDS = 25; // p0 p1 p2 n0 n1 n2 (3 each), uv0 uv1 uv2 (2 each), material
export const T_N0 = 9;
export const T_UV0 = 18;
export const T_MAT = 24;

export const MAT_WORDS = 16; // base rgba, emissive rgb, metallic, roughness, base/mr/emissive texture (-1 none), double-sided
export const M_EMISSIVE = 4;
export const M_METALLIC = 7;
export const M_ROUGHNESS = 8;
export const M_BASE_TEX = 9;
export const M_MR_TEX = 10;
export const M_EM_TEX = 11;
export const M_DOUBLE_SIDED = 12; // 1: emits from both faces; 0: only from the front (counter-clockwise) face

export const TEX_WORDS = 8; // width, height, first texel word, wrapS, wrapT, srgb
export const LIGHT_WORDS = 16; // type, color rgb, position, direction, range, inner cos, outer cos
