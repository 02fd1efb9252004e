// Code that runs in the debuggee, kept in real (linted) JavaScript files and bundled as text by
// scripts/build.mjs (loader `.page.js`: 'text'): importing one gives its source.
declare module '*.page.js' {
  const source: string;
  export default source;
}
