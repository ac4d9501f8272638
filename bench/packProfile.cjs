/**
 * Profiles each policy pack the gate starts: `NODE_OPTIONS="--require ./bench/packProfile.cjs"
 * PACK_PROFILE_DIR=DIR alicloud-sg preview …`. Every process inherits `NODE_OPTIONS`; this does something only
 * in a pack's runner. `node --cpu-prof` cannot profile a pack: it writes its profile at exit, and the gate ends
 * a pack with SIGKILL as soon as `AnalyzeStack` is answered. So this profiles the pack from its start and writes
 * `pack-PID.cpuprofile` (open it in Chrome's DevTools) and `pack-PID.json` (CPU milliseconds spent inside each
 * analyzer method) synchronously, just before the pack sends its `AnalyzeStack` answer. A measuring aid only:
 * it wraps the handlers the pack registers, and changes nothing they do.
 */
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, loaded with node --require */
"use strict";
const fs = require("fs");
const inspector = require("inspector");
const Module = require("module");
const path = require("path");

const outDir = process.env.PACK_PROFILE_DIR;
if (outDir && process.argv.some((arg) => arg.includes("run-policy-pack"))) {
    const session = new inspector.Session();
    session.connect();
    session.post("Profiler.enable");
    session.post("Profiler.start");
    const cpuMs = {};
    const write = () =>
        session.post("Profiler.stop", (error, result) => {
            if (!error) {
                fs.writeFileSync(
                    path.join(outDir, `pack-${process.pid}.cpuprofile`),
                    JSON.stringify(result.profile),
                );
            }
            fs.writeFileSync(
                path.join(outDir, `pack-${process.pid}.json`),
                JSON.stringify(cpuMs, null, 2) + "\n",
            );
        });
    const load = Module._load;
    Module._load = function (request, ...rest) {
        const loaded = load.call(this, request, ...rest);
        if (request === "@grpc/grpc-js" && loaded.Server && !loaded.Server.prototype.addService.profiled) {
            const addService = loaded.Server.prototype.addService;
            const profiled = function (service, implementation) {
                const timed = {};
                for (const [method, handler] of Object.entries(implementation)) {
                    timed[method] = function (call, callback) {
                        const started = process.cpuUsage();
                        return handler.call(this, call, (error, response) => {
                            const used = process.cpuUsage(started);
                            cpuMs[method] = (cpuMs[method] ?? 0) + (used.user + used.system) / 1000;
                            if (method === "analyzeStack") {
                                write();
                            }
                            callback(error, response);
                        });
                    };
                }
                return addService.call(this, service, timed);
            };
            profiled.profiled = true;
            loaded.Server.prototype.addService = profiled;
        }
        return loaded;
    };
}
