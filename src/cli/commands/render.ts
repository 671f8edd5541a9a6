// `gw render scene.glb --frames 1-24 --size 640x360 --spp 64 --out DIR`: frames of a glTF scene rendered tile by tile
// on the network (each tile spot-checked, paid on delivery) or, with --local, on this machine alone; either way the
// PNGs are byte-identical. A progress bar on a terminal, plain lines otherwise, one JSON line with --json.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidInputError } from "../../core/errors.ts";
import { parseFrames, parseSize, planTiles, renderLocal } from "../../resources/render/index.ts";
import { type RunRenderResult, runRender } from "../../sdk/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken, parseIntegerFlag, parseTokenAmount } from "../format.ts";
import { createCustomerClient, resolveGatewayUrl } from "./compute-run.ts";

interface WrittenFrame {
  frame: number;
  path: string;
  sha256: string;
}

/** The progress line on a terminal: redrawn in place, at most a few times a second. */
function createProgress(enabled: boolean, total: number) {
  const started = performance.now();
  let last = 0;
  let line = "";
  return {
    update(state: { done: number; busy?: number; cost?: bigint }, force = false) {
      if (!enabled) return;
      const now = performance.now();
      if (!force && now - last < 200) return;
      last = now;
      const width = 24;
      const filled = Math.round((state.done / total) * width);
      const elapsed = (now - started) / 1000;
      const eta = state.done > 0 ? Math.round((elapsed / state.done) * (total - state.done)) : undefined;
      const parts = [
        `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${state.done}/${total} tiles`,
        ...(state.busy === undefined ? [] : [`${state.busy} provider${state.busy === 1 ? "" : "s"} busy`]),
        `ETA ${eta === undefined ? "?" : `${Math.floor(eta / 60)}:${String(eta % 60).padStart(2, "0")}`}`,
        ...(state.cost === undefined ? [] : [`${formatToken(state.cost)} GWK`]),
      ];
      line = parts.join(" · ");
      process.stderr.write(`\r${line}\u001b[K`);
    },
    end() {
      if (enabled && line) process.stderr.write("\n");
    },
  };
}

export const renderCommand = defineCommand({
  words: ["render"],
  summary: "render frames of a glTF scene on the network (spot-checked, paid per tile) or --local",
  usage:
    "SCENE.glb --frames 1-24 --size 640x360 --spp 64 --out DIR [--tile 128] [--max-price GWK] [--fps N] [--parallel N] [--timeout S] [--local [--threads N]] [--gateway URL]",
  options: {
    frames: { type: "string" },
    size: { type: "string" },
    spp: { type: "string" },
    out: { type: "string" },
    tile: { type: "string" },
    "max-price": { type: "string" },
    fps: { type: "string" },
    parallel: { type: "string" },
    timeout: { type: "string" },
    local: { type: "boolean" },
    threads: { type: "string" },
    gateway: { type: "string" },
  },
  async run(ctx, { values, positionals }) {
    const [scenePath] = positionals;
    if (!scenePath) {
      throw new InvalidInputError("which scene?", { hint: "gw render scene.glb --frames 1-24 --out DIR" });
    }
    if (typeof values.out !== "string" || values.out === "") {
      throw new InvalidInputError("where should the frames go?", { hint: "--out DIR" });
    }
    let scene: Uint8Array;
    try {
      scene = new Uint8Array(readFileSync(scenePath));
    } catch (cause) {
      throw new InvalidInputError(`cannot read the scene ${scenePath}`, { cause });
    }
    const frames = parseFrames(typeof values.frames === "string" ? values.frames : "1");
    const { width, height } = parseSize(typeof values.size === "string" ? values.size : "640x360");
    const spp = parseIntegerFlag(values.spp, "spp", 64, 1, 65_536);
    const tile = parseIntegerFlag(values.tile, "tile", 128, 8, 4096);
    const fps = parseIntegerFlag(values.fps, "fps", 24, 1, 1000);
    const plan = { scene, frames, width, height, spp, fps, tile };
    const out = values.out;
    mkdirSync(out, { recursive: true });
    const digits = Math.max(4, String(frames.at(-1) ?? 0).length);
    const written: WrittenFrame[] = [];
    const tty = !ctx.options.json && process.stderr.isTTY === true;
    const total = frames.length * planTiles(width, height, tile).length;
    const progress = createProgress(tty, total);
    const writeFrame = (frame: number, png: Buffer) => {
      const path = join(out, `frame-${String(frame).padStart(digits, "0")}.png`);
      // Whole files only: a frame appears under its name once it is complete.
      writeFileSync(`${path}.tmp`, png);
      renameSync(`${path}.tmp`, path);
      written.push({ frame, path, sha256: createHash("sha256").update(png).digest("hex") });
      if (!tty && !ctx.options.json) process.stderr.write(`frame ${frame} written: ${path}\n`);
    };

    if (values.local === true) {
      const threads =
        values.threads === undefined ? undefined : parseIntegerFlag(values.threads, "threads", 1, 1, 1024);
      const result = await renderLocal(plan, {
        ...(threads === undefined ? {} : { threads }),
        onTile: ({ done }) => progress.update({ done }),
        onFrame: writeFrame,
      });
      progress.update({ done: total }, true);
      progress.end();
      written.sort((a, b) => a.frame - b.frame);
      const samplesPerSec = result.samples / (result.ms / 1000);
      return {
        json: {
          local: true,
          frames: written,
          tiles: result.tiles,
          samples: result.samples,
          threads: result.threads,
          ms: Math.round(result.ms),
          samplesPerSec: Math.round(samplesPerSec),
        },
        text: `rendered ${written.length} frame${written.length === 1 ? "" : "s"} into ${out} on ${result.threads} threads in ${(result.ms / 1000).toFixed(1)} s (${Math.round(samplesPerSec).toLocaleString("en")} samples/s)`,
      };
    }

    const maxPrice = parseTokenAmount((values["max-price"] as string | undefined) ?? "1", "--max-price");
    const timeoutS = parseIntegerFlag(values.timeout, "timeout", 300, 1, 3600);
    const gatewayUrl = resolveGatewayUrl(values.gateway as string | undefined, ctx);
    const client = await createCustomerClient(ctx, gatewayUrl);
    // Enough tiles in flight to keep every render provider's capacity busy, and a little more queued behind it.
    const renderers = (await client.gateway.getProviders()).filter((p) => "render" in p.offers);
    const capacity = renderers.reduce((sum, p) => sum + p.capacity, 0);
    const parallel = parseIntegerFlag(values.parallel, "parallel", Math.max(2, capacity + 1), 1, 1024);
    let busy = 0;
    let state = { done: 0, cost: 0n };
    const poll = tty
      ? setInterval(() => {
          client.gateway.getProviders().then(
            (list) => {
              busy = list.filter((p) => "render" in p.offers && p.running > 0).length;
              progress.update({ ...state, busy }, true);
            },
            () => {},
          );
        }, 1000)
      : undefined;
    poll?.unref();
    let result: RunRenderResult;
    try {
      result = await runRender(client, {
        ...plan,
        maxPrice,
        timeoutMs: timeoutS * 1000,
        parallel,
        onTile: (event) => {
          state = { done: event.done, cost: event.cost };
          progress.update({ ...state, busy });
        },
        onCaught: (caught) => {
          const line = `a tile from ${caught.nodeKey.slice(0, 10)} failed its spot check: not paid, ${caught.reportSeq === undefined ? `claim not filed (${caught.claimError})` : "reported"}, rendered again elsewhere`;
          if (tty) process.stderr.write(`\r${line}\u001b[K\n`);
          else if (!ctx.options.json) process.stderr.write(`${line}\n`);
        },
        onFrame: writeFrame,
      });
    } finally {
      if (poll) clearInterval(poll);
      progress.end();
    }
    written.sort((a, b) => a.frame - b.frame);
    const overhead = result.verification.renderMs > 0 ? result.verification.verifyMs / result.verification.renderMs : 0;
    return {
      json: {
        local: false,
        frames: written,
        tiles: result.tiles,
        samples: result.samples,
        cost: formatToken(result.cost),
        providers: result.providers.map((p) => ({ ...p, paid: formatToken(p.paid) })),
        caught: result.caught,
        reroutes: result.reroutes,
        verification: {
          pixelsChecked: result.verification.pixelsChecked,
          verifyMs: Math.round(result.verification.verifyMs),
          renderMs: Math.round(result.verification.renderMs),
          overhead,
        },
        vouchersDelivered: result.vouchersDelivered,
        ms: Math.round(result.ms),
      },
      text: [
        `rendered ${written.length} frame${written.length === 1 ? "" : "s"} (${result.tiles} tiles) into ${out} in ${(result.ms / 1000).toFixed(1)} s`,
        `cost ${formatToken(result.cost)} GWK to ${result.providers.length} provider${result.providers.length === 1 ? "" : "s"}; ${result.verification.pixelsChecked} pixels spot-checked (${(overhead * 100).toFixed(1)} % of render time)`,
        ...(result.caught.length > 0
          ? [`${result.caught.length} tile result(s) caught cheating: unpaid and reported`]
          : []),
      ].join("\n"),
    };
  },
});
