#!/usr/bin/env node
// Runs an emulator as a child and stops it when our stdin closes, i.e. when the .NET process that
// started us exits for any reason (even killed): no emulator outlives its test run or local host.
// Other lines on stdin are passed to the emulator's stdin (the fault tests' outage switch of
// cosmos-emulator.js: "down", "up").
"use strict";
const { spawn } = require("child_process");
const [script, ...args] = process.argv.slice(2);
const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "inherit", "inherit"] });
child.stdin.on("error", () => {});
const stop = () => { child.kill("SIGTERM"); setTimeout(() => child.kill("SIGKILL"), 3000).unref(); };
process.stdin.on("end", stop);
process.stdin.on("data", chunk => child.stdin.write(chunk));
process.stdin.on("error", stop);
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, stop);
child.on("exit", code => process.exit(code ?? 0));
