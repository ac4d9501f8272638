import type { RecordedResource } from "../../engine/types";

/** A recorded resource as the program host records one: a custom resource with no inputs unless given. */
export function recordedResource(
    fields: Partial<RecordedResource> & Pick<RecordedResource, "urn" | "type" | "name">,
): RecordedResource {
    return {
        custom: true,
        external: false,
        parent: null,
        dependencies: [],
        propertyDependencies: {},
        inputs: {},
        outputs: {},
        provider: null,
        source: null,
        options: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
            customTimeouts: { create: "", update: "", delete: "" },
        },
        ...fields,
    };
}
