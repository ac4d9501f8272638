import { loadProject } from "../project";
import { runProgram } from "../runProgram";
import { renderDot } from "./dot";
import { renderMermaid } from "./mermaid";
import { graphDocument, graphOfResources, type GraphModel } from "./model";
import { renderSvg } from "./svg";

export * from "./model";
export { renderDot } from "./dot";
export { renderMermaid } from "./mermaid";
export { renderSvg } from "./svg";
export { exposureLines } from "./exposure";

export type GraphFormat = "mermaid" | "dot" | "svg" | "json";
export const GRAPH_FORMATS: readonly GraphFormat[] = ["mermaid", "dot", "svg", "json"];

export interface GraphCommandOptions {
    readonly projectDir?: string;
    readonly stack?: string;
    readonly config?: readonly string[];
}

export interface StackGraph {
    readonly project: string;
    readonly stack: string;
    readonly graph: GraphModel;
}

/** Runs the project's program under mocks (as `preview` does) and builds the graph of what it declares. */
export async function graphProject(options: GraphCommandOptions = {}): Promise<StackGraph> {
    const project = loadProject(options.projectDir ?? ".", { stack: options.stack, config: options.config });
    const run = await runProgram(project);
    return { project: project.name, stack: project.stack, graph: graphOfResources(run.resources) };
}

export async function renderGraph(stackGraph: StackGraph, format: GraphFormat): Promise<string> {
    const title = `${stackGraph.project} (stack ${stackGraph.stack})`;
    switch (format) {
        case "json":
            return JSON.stringify(graphDocument(stackGraph.graph), null, 2) + "\n";
        case "mermaid":
            return renderMermaid(stackGraph.graph);
        case "dot":
            return renderDot(stackGraph.graph, { title });
        case "svg":
            return renderSvg(renderDot(stackGraph.graph, { title }));
    }
}
