// KHR_lights_punctual for @gltf-transform/core (the extensions package is not a dependency): reads the point,
// spot and directional lights attached to nodes, and writes them for the sample scene generator.
import { Extension, type Node, type ReaderContext, type WriterContext } from "@gltf-transform/core";

export interface PunctualLight {
  type: "point" | "spot" | "directional";
  color?: [number, number, number];
  intensity?: number;
  range?: number;
  innerConeAngle?: number;
  outerConeAngle?: number;
}

const NAME = "KHR_lights_punctual";

interface LightsJson {
  lights?: unknown[];
}

export class KHRLightsPunctual extends Extension {
  static override EXTENSION_NAME = NAME;
  override readonly extensionName = NAME;
  private readonly lights = new Map<Node, PunctualLight>();

  /** The light on a node, if any. Definitions are passed through unvalidated; prepareScene validates them. */
  getLight(node: Node): unknown {
    return this.lights.get(node);
  }

  setLight(node: Node, light: PunctualLight): this {
    this.lights.set(node, light);
    return this;
  }

  override read(context: ReaderContext): this {
    const root = context.jsonDoc.json.extensions?.[NAME] as LightsJson | undefined;
    const defs = Array.isArray(root?.lights) ? root.lights : [];
    (context.jsonDoc.json.nodes ?? []).forEach((nodeDef, i) => {
      const ref = (nodeDef.extensions?.[NAME] as { light?: unknown } | undefined)?.light;
      const node = context.nodes[i];
      if (ref === undefined || !node) return;
      // An index out of range keeps an invalid marker so validation can report it instead of dropping the light.
      const def = typeof ref === "number" && Number.isInteger(ref) ? defs[ref] : undefined;
      this.lights.set(node, (def ?? { invalidReference: ref }) as PunctualLight);
    });
    return this;
  }

  override write(context: WriterContext): this {
    if (this.lights.size === 0) return this;
    const json = context.jsonDoc.json;
    const lights: PunctualLight[] = [];
    for (const [node, light] of this.lights) {
      const index = context.nodeIndexMap.get(node);
      const nodeDef = index === undefined ? undefined : json.nodes?.[index];
      if (!nodeDef) continue;
      nodeDef.extensions = { ...nodeDef.extensions, [NAME]: { light: lights.length } };
      lights.push(light);
    }
    json.extensions = { ...json.extensions, [NAME]: { lights } };
    return this;
  }
}
