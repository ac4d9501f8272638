import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const runner = path.join(root, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack", "index.js");

describe("the pack under the Pulumi CLI's policy-pack runner", () => {
    it("starts unchanged from policies/ and prints its gRPC port", async function () {
        this.timeout(180_000);
        // The runner registers ts-node with type checking, as `pulumi preview --policy-pack policies` does.
        const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
            cwd: path.join(root, "policies"),
            env: { ...process.env, PULUMI_CONFIG: "{}" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        try {
            const port = await new Promise<number>((resolve, reject) => {
                child.stdout.on("data", (chunk: Buffer) => {
                    stdout += chunk.toString();
                    const line = stdout.split("\n")[0].trim();
                    if (stdout.includes("\n") && /^\d+$/.test(line)) {
                        resolve(Number(line));
                    }
                });
                child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
                child.on("exit", (code) =>
                    reject(new Error(`the pack exited with ${code}: ${stderr}${stdout}`)),
                );
            });
            assert.ok(port > 0 && port < 65536, `port ${port}`);
        } finally {
            child.kill();
        }
    });
});
