// The public shapes of the deterministic path tracer: a prepared scene, render requests and the tracer itself.
// Everything here is plain data (structured-cloneable), so a PreparedScene can be posted to a worker as is.

/** Frames per second used to turn a frame number into animation time when a job names none. */
export const DEFAULT_FPS = 24;

/** Size limits applied while a glTF is parsed; anything beyond them is a SceneError, never a crash or a hang. */
export interface SceneLimits {
  /** Size of the .glb file in bytes. */
  maxBytes: number;
  /** Triangles after flattening every mesh instance of the scene. */
  maxTriangles: number;
  /** Entries in the glTF `nodes` array. */
  maxNodes: number;
  /** Entries in the glTF `images` array that a material uses. */
  maxTextures: number;
  /** Sum of width*height over all decoded textures. */
  maxTexturePixels: number;
  /** Keyframes summed over all animation samplers. */
  maxKeyframes: number;
  /** Entries in the glTF `accessors` array. */
  maxAccessors: number;
  /** Punctual lights (KHR_lights_punctual) instanced in the scene. */
  maxLights: number;
}

/** A 3D vector. */
export type Vec3 = readonly [number, number, number];

/**
 * A parsed and validated glTF scene: what every frame of it needs, in the tracer's units. Opaque to callers except
 * for `sceneHash` and `stats`; pass it to `frameBuffer`, `Tracer.renderTile` and `Tracer.renderPixels`.
 */
export interface PreparedScene {
  /** sha256 of the .glb bytes as 0x-prefixed hex: the identity of the scene, and part of every pixel's seed. */
  sceneHash: `0x${string}`;
  /** Counts a client can show or price by. */
  stats: SceneStats;
  /** Internal data (nodes, meshes, materials, textures, animations). Plain data; do not depend on its layout. */
  data: SceneData;
}

export interface SceneStats {
  triangles: number;
  nodes: number;
  meshes: number;
  materials: number;
  textures: number;
  /** Punctual lights; emissive triangles are counted in `emissiveTriangles`. */
  lights: number;
  emissiveTriangles: number;
  /** Length of the longest animation in seconds (0 when the scene is static). */
  duration: number;
  /** Whether the scene had its own camera (otherwise a default camera frames the scene bounds). */
  hasCamera: boolean;
}

/** What renders one frame; `fps` defaults to DEFAULT_FPS. Output is a pure function of these and the pixel. */
export interface FrameRequest {
  scene: PreparedScene;
  /** Frame number (integer >= 0); animation time is frame / fps seconds. */
  frame: number;
  fps?: number;
  /** Full frame size in pixels: the camera's aspect ratio and each pixel's seed depend on it. */
  width: number;
  height: number;
  /** Samples per pixel. */
  spp: number;
}

/** A rectangle of the frame; output rows top to bottom, RGBA8, w*h*4 bytes. */
export interface TileRequest extends FrameRequest {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Individual pixels as (x, y) pairs: x0,y0,x1,y1,…; output is RGBA8 per listed pixel, in the listed order. */
export interface PixelsRequest extends FrameRequest {
  pixels: Uint32Array;
}

/**
 * One WebAssembly instance of the tracer, used from one thread. It keeps the last frame's scene buffer (and its
 * BVH) loaded, so rendering many tiles of the same (scene, frame, fps) uploads and builds once.
 */
export interface Tracer {
  renderTile(request: TileRequest): Uint8Array;
  renderPixels(request: PixelsRequest): Uint8Array;
}

/** Internal scene representation kept by prepareScene (plain typed arrays and numbers). */
export interface SceneData {
  nodes: SceneNode[];
  /** Indices into `nodes` of the scene's root nodes. */
  roots: number[];
  meshes: SceneMesh[];
  /** 16 numbers per material (factors, texture indices, double-sided), laid out as in scene-buffer-layout.ts. */
  materials: Float32Array;
  textures: SceneTexture[];
  lights: SceneLight[];
  animations: SceneChannel[];
  /** Node index of the camera node and its projection, or undefined for the default camera. */
  camera: SceneCamera | undefined;
  /** Bounding sphere of the geometry at time 0, framed by the default camera. */
  defaultView: { center: [number, number, number]; radius: number };
}

export interface SceneNode {
  translation: [number, number, number];
  rotation: [number, number, number, number];
  scale: [number, number, number];
  /** A node with a `matrix` and no animation keeps it here (column-major) instead of TRS. */
  matrix: number[] | undefined;
  children: number[];
  mesh: number | undefined;
  light: number | undefined;
}

export interface ScenePrimitive {
  /** World-independent vertex data: 3 floats per position and normal (normals all zero when absent), 2 per uv. */
  positions: Float32Array;
  normals: Float32Array;
  uvs: Float32Array;
  /** 3 vertex indices per triangle. */
  indices: Uint32Array;
  material: number;
}

export interface SceneMesh {
  primitives: ScenePrimitive[];
}

export interface SceneTexture {
  width: number;
  height: number;
  /** RGBA8 texels, rows top to bottom. */
  rgba: Uint8Array;
  /** 0 repeat, 1 clamp to edge, 2 mirrored repeat (for s and t). */
  wrapS: number;
  wrapT: number;
  /** Whether the texels are sRGB encoded (base color, emissive) and must be linearised. */
  srgb: boolean;
}

export interface SceneLight {
  /** 0 point, 1 directional, 2 spot. */
  type: number;
  /** Linear color times intensity (candela for point/spot, lux for directional). */
  color: [number, number, number];
  range: number;
  innerConeCos: number;
  outerConeCos: number;
}

export interface SceneChannel {
  node: number;
  path: "translation" | "rotation" | "scale";
  /** 0 LINEAR, 1 STEP, 2 CUBICSPLINE (treated as LINEAR on the value keys). */
  interpolation: number;
  times: Float32Array;
  values: Float32Array;
}

export interface SceneCamera {
  node: number;
  /** 0 perspective, 1 orthographic. */
  type: number;
  /** Vertical field of view in radians (perspective) or half height (orthographic ymag). */
  yfov: number;
  xmag: number;
}
