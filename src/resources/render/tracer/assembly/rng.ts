// Counter-based random numbers: each (scene, frame, pixel, sample) gets its own stream from a splitmix64 hash, so
// any pixel can be rendered alone and draw exactly the numbers it draws inside a full tile.

let stream: u64 = 0;
let counter: u64 = 0;

@inline
function mix(z0: u64): u64 {
  let z = z0;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Starts the stream of one sample of one pixel. */
export function seedSample(sceneKey: u64, frame: u32, pixel: u32, sample: u32): void {
  let s = mix(sceneKey ^ (<u64>frame * 0x9e3779b97f4a7c15));
  s = mix(s ^ (<u64>pixel * 0xbf58476d1ce4e5b9 + 1));
  stream = mix(s ^ (<u64>sample * 0x94d049bb133111eb + 2));
  counter = 0;
}

/** The next number of the current stream, uniform in [0, 1) with 24 bits. */
export function rand(): f32 {
  counter += 1;
  return <f32>(<u32>(mix(stream + counter * 0x9e3779b97f4a7c15) >> 40)) * 5.9604644775390625e-8;
}
