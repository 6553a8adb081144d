/** The entry points under the build directory: the package, `./testing`, and the CLI (`bin`). */
export declare const ENTRY_POINTS: readonly string[];
/** Bundles each entry point of `dir` in place and deletes every other `.js` file there; resolves to the entries. */
export declare function bundleInPlace(dir: string, entries?: readonly string[]): Promise<string[]>;
