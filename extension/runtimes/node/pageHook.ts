// The page hook the Node engine installs in the debuggee (its code: pageHook.page.js), the key it
// lives under, and the breakpoint condition that binds a tracked class to the hook's Proxy.
import hookSourceFile from './pageHook.page.js';

export const HOOK_SYMBOL = 'liveref.node.3';
export const HOOK_EXPRESSION = `globalThis[Symbol.for(${JSON.stringify(HOOK_SYMBOL)})]`;

/**
 * Evaluated once; returns the hook object. The source is pageHook.page.js, bundled as text: its
 * leading comment lines are for its readers, and its HOOK_SYMBOL stands for the quoted key.
 */
export const HOOK_SOURCE = hookSourceFile
  .replace(/\r\n?/g, '\n')
  .replace(/^(?:\/\/.*\n)+/, '')
  .trimEnd()
  .replace('Symbol.for(HOOK_SYMBOL)', () => `Symbol.for(${JSON.stringify(HOOK_SYMBOL)})`);

/**
 * The condition of the one-shot breakpoint: in a frame that sees the module's binding `name`,
 * rebind it to the registering Proxy. Always false; a throw (const binding, shadowed name) is
 * also "false" to V8.
 */
export function rebindCondition(name: string, id: string): string {
  const hook = HOOK_EXPRESSION;
  const key = JSON.stringify(id);
  return `(typeof ${name} === "function" && !!${hook} && ${hook}.want(${key}, ${name}) && ${hook}.installed(${key}, ${name} = ${hook}.proxy(${key}, ${name})))`;
}
