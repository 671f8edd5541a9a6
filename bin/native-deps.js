// The large plain-JavaScript dependencies nearly every command uses, loaded by Node itself before the TypeScript
// loader is registered: through the loader's hooks their hundreds of modules cost about a second of CPU per start.
await Promise.all([import("viem"), import("viem/accounts"), import("zod")]);
