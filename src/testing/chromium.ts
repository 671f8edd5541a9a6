// Test support: the Chromium that browser tests drive through playwright-core. Debian's package by default (CI
// installs it); CHROMIUM_PATH names another. Missing, it fails with what to install rather than skipping.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.CHROMIUM_PATH, whichChromium(), "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((path): path is string => typeof path === "string" && path !== "" && existsSync(path));
  if (!found) {
    throw new Error(
      "Chromium is not installed: browser tests need it. Install it with `apt-get install chromium` " +
        "(.ci/run does this on CI) or set CHROMIUM_PATH to a Chromium or Chrome executable.",
    );
  }
  return found;
}

function whichChromium(): string | undefined {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      const path = execFileSync("which", [name], { encoding: "utf8" }).trim();
      if (path) return path;
    } catch {
      // not on PATH under this name
    }
  }
  return undefined;
}

/** Headless Chromium; --no-sandbox because tests run as root in containers, where the sandbox cannot start. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: ["--no-sandbox"] });
}
