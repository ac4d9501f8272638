import * as fs from "fs";
import * as path from "path";

/** How to start a module of this package in a child: compiled JavaScript directly, sources through ts-node. */
export function childEntry(moduleBase: string): string[] {
    const js = path.join(__dirname, `${moduleBase}.js`);
    if (fs.existsSync(js) && path.extname(__filename) === ".js") {
        return [js];
    }
    return [
        "-r",
        require.resolve("ts-node/register/transpile-only"),
        path.join(__dirname, `${moduleBase}.ts`),
    ];
}
