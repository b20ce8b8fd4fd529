/**
 * Set by src/cli/boot.ts when the CLI runs from its bundle, which Node 20 compiles as a vm.Script: such a script's
 * own `import()` needs --experimental-vm-modules (or fails once its code comes from V8's code cache), so the boot
 * hands in an `import()` of its own.
 */
declare const __meshlintImport: ((id: string) => Promise<unknown>) | undefined;

/**
 * Imports a package left out of the CLI bundle on purpose (@kubernetes/client-node: large, and an ES module that
 * Node 20 cannot `require`), wherever this code runs: the bundle, tsc's output or the sources.
 */
export function importPackage(id: string): Promise<unknown> {
  return typeof __meshlintImport === "function" ? __meshlintImport(id) : import(id);
}
