import * as assert from "assert";
import * as path from "path";
import { describeProgramError } from "../../engine/programErrors";

function errorWithStack(message: string, frames: readonly string[]): Error {
    const err = new Error(message);
    err.stack = [`Error: ${message}`, ...frames.map((frame) => `    at ${frame}`)].join("\n");
    return err;
}

describe("engine/programHost: where a failing program failed", () => {
    const projectDir = path.join(path.sep, "work", "app");
    const context = { projectDir, project: "app", stack: "dev" };

    it("names the first frame in the program, past node_modules and node internals", () => {
        const err = errorWithStack("boom", [
            `Object.<anonymous> (${path.join(projectDir, "node_modules", "@pulumi", "pulumi", "resource.js")}:9:1)`,
            "Module._compile (node:internal/modules/cjs/loader:1521:14)",
            `${path.join(projectDir, "components", "web.ts")}:42:7`,
            `Object.<anonymous> (${path.join(projectDir, "index.ts")}:3:1)`,
        ]);
        assert.deepStrictEqual(describeProgramError(err, context), {
            message: "boom",
            location: `${path.join("components", "web.ts")}:42:7`,
        });
    });

    it("gives no location when only node internals and packages are on the stack", () => {
        const err = errorWithStack("ts-node is missing", [
            "Module._compile (node:internal/modules/cjs/loader:1521:14)",
            "Object.Module._extensions..js (node:internal/modules/cjs/loader:1623:10)",
            `require (${path.join(projectDir, "node_modules", "ts-node", "dist", "index.js")}:1:1)`,
        ]);
        assert.deepStrictEqual(describeProgramError(err, context), {
            message: "ts-node is missing",
            location: null,
        });
    });
});
