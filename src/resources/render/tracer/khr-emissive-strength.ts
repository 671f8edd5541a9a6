// KHR_materials_emissive_strength for @gltf-transform/core: the multiplier on a material's emissive factor that
// lets emission exceed 1 (area lights), read from and written to the material JSON.
import { Extension, type Material, type ReaderContext, type WriterContext } from "@gltf-transform/core";

const NAME = "KHR_materials_emissive_strength";

export class KHREmissiveStrength extends Extension {
  static override EXTENSION_NAME = NAME;
  override readonly extensionName = NAME;
  private readonly strengths = new Map<Material, unknown>();

  /** The strength on a material (1 when absent); unvalidated, prepareScene checks it. */
  getStrength(material: Material): unknown {
    return this.strengths.get(material) ?? 1;
  }

  setStrength(material: Material, strength: number): this {
    this.strengths.set(material, strength);
    return this;
  }

  override read(context: ReaderContext): this {
    (context.jsonDoc.json.materials ?? []).forEach((def, i) => {
      const ext = def.extensions?.[NAME] as { emissiveStrength?: unknown } | undefined;
      const material = context.materials[i];
      if (ext && material) this.strengths.set(material, ext.emissiveStrength ?? 1);
    });
    return this;
  }

  override write(context: WriterContext): this {
    for (const [material, strength] of this.strengths) {
      const index = context.materialIndexMap.get(material);
      const def = index === undefined ? undefined : context.jsonDoc.json.materials?.[index];
      if (def) def.extensions = { ...def.extensions, [NAME]: { emissiveStrength: strength } };
    }
    return this;
  }
}
