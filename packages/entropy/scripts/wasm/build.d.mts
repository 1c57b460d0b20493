/** Compiles the kernel's WebAssembly text with wabt (SIMD enabled) and returns the module bytes. */
export function compileEntropyRowsWat(text?: string): Promise<Uint8Array>;
/** The TypeScript module text that holds the bytes. */
export function renderGeneratedModule(bytes: Uint8Array): string;
