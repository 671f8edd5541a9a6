// The error every bad scene becomes: a malformed, hostile or unsupported glTF, or a scene past the size limits.
import { InvalidInputError } from "../../../core/errors.ts";

/** The glTF cannot be rendered as given: fix or shrink the file. Nothing was changed or rendered. */
export class SceneError extends InvalidInputError {
  override name = "SceneError";
}
