#!/usr/bin/env node
// The `gw` command: loads the TypeScript CLI through tsx so a fresh `npm install` is all it needs.
import "./native-deps.js";
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
