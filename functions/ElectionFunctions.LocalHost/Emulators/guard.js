#!/usr/bin/env node
// Runs an emulator as a child and stops it when our stdin closes, i.e. when the .NET process that
// started us exits for any reason (even killed): no emulator outlives its test run or local host.
"use strict";
const { spawn } = require("child_process");
const [script, ...args] = process.argv.slice(2);
const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "inherit", "inherit"] });
const stop = () => { child.kill("SIGTERM"); setTimeout(() => child.kill("SIGKILL"), 3000).unref(); };
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, stop);
child.on("exit", code => process.exit(code ?? 0));
