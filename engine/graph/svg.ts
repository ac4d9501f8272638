import { Graphviz } from "@hpcc-js/wasm-graphviz";

/** Lays out DOT with Graphviz compiled to WebAssembly, in process: no system binary, no browser. */
export async function renderSvg(dot: string): Promise<string> {
    const graphviz = await Graphviz.load();
    return graphviz.dot(dot, "svg");
}

/** Graphviz's own JSON rendering of DOT (`-Tjson`): how tests read back what the renderer understood. */
export async function layoutJson(dot: string): Promise<unknown> {
    const graphviz = await Graphviz.load();
    return JSON.parse(graphviz.dot(dot, "json")) as unknown;
}
