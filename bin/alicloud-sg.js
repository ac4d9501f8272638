#!/usr/bin/env node
// Runs the compiled CLI when the package is built, else the TypeScript sources through ts-node (transpile only),
// so `npm start` works on a fresh clone without a build step. ALICLOUD_SG_FROM_SOURCES=1 forces the sources, so
// tests exercise the code as it is rather than the last build.
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const compiled = path.join(root, "dist", "cli", "index.js");
let entry = compiled;
if (process.env.ALICLOUD_SG_FROM_SOURCES === "1" || !fs.existsSync(compiled)) {
    require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
    entry = path.join(root, "cli", "index.ts");
}
require(entry)
    .main(process.argv.slice(2))
    .then(
        (code) => {
            process.exitCode = code;
        },
        (err) => {
            process.stderr.write(`alicloud-sg: ${err && err.message ? err.message : String(err)}\n`);
            process.exitCode = 2;
        },
    );
