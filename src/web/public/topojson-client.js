// topojson-client as an ES module: the package ships only a UMD build, which (evaluated as a module, where `this`
// is undefined) puts its exports on globalThis.topojson. Importing it first, then re-exporting, keeps one import map.
import "/vendor/topojson-client.umd.js";

const { bbox, feature, merge, mergeArcs, mesh, meshArcs, neighbors, quantize, transform, untransform } =
  globalThis.topojson;

export { bbox, feature, merge, mergeArcs, mesh, meshArcs, neighbors, quantize, transform, untransform };
