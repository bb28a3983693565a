/** Vite's `import.meta.glob`, which the catalogue loader uses (Vite and Vitest both provide it). */
interface ImportMeta {
  glob<T = unknown>(pattern: string, options: { eager: true; import: 'default' }): Record<string, T>;
}
