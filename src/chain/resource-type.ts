// On chain a resource type is only an id: keccak256 of its name. The contracts know no type by name.
import { type Hex, keccak256, stringToBytes } from "viem";
import { InvalidInputError } from "../core/errors.ts";

export function resourceTypeId(name: string): Hex {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) {
    throw new InvalidInputError(`invalid resource type name ${JSON.stringify(name)}`, {
      hint: "Lower-case letters, digits and '-', starting with a letter, at most 32.",
    });
  }
  return keccak256(stringToBytes(name));
}
