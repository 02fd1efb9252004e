// CDP RemoteObjects and property descriptors as the runtime-neutral ObjectSummary / ObjectChild.
import type { ObjectChild, ObjectSummary } from '../../core/types';
import type { RemoteObject } from './pageCalls';

const MAX_REPR = 300;

const clip = (text: string) => (text.length > MAX_REPR ? `${text.slice(0, MAX_REPR - 1)}…` : text);

export function summarize(object: RemoteObject): ObjectSummary {
  switch (object.type) {
    case 'string': return { type: 'string', typeName: 'string', repr: clip(JSON.stringify(String(object.value))), expandable: false };
    case 'number': case 'boolean': case 'bigint':
      return { type: object.type, typeName: object.type, repr: object.unserializableValue ?? String(object.value), expandable: false };
    case 'undefined': return { type: 'undefined', typeName: 'undefined', repr: 'undefined', expandable: false };
    case 'symbol': return { type: 'symbol', typeName: 'symbol', repr: clip(object.description ?? 'Symbol()'), expandable: false };
    default: {
      if (object.subtype === 'null') return { type: 'null', typeName: 'null', repr: 'null', expandable: false };
      const typeName = object.type === 'function' ? 'Function' : object.className ?? 'Object';
      return { handle: object.objectId, type: typeName, typeName, repr: clip(object.description ?? typeName), expandable: !!object.objectId };
    }
  }
}

export interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
  get?: RemoteObject;
  isOwn?: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The edge label the heap snapshot and the Python views use: `.name`, `[3]`, `['content-type']`. */
export function viaLabel(name: string, parentIsArray: boolean): string {
  if (parentIsArray && /^\d+$/.test(name)) return `[${name}]`;
  if (name.startsWith('[[') || name.startsWith('#')) return name;
  return IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

export function children(properties: PropertyDescriptor[], internal: PropertyDescriptor[], parentIsArray: boolean): ObjectChild[] {
  const out: ObjectChild[] = [];
  for (const p of properties) {
    if (p.name === '__proto__') continue;
    if (p.value) out.push({ via: viaLabel(p.name, parentIsArray), value: summarize(p.value) });
    else if (p.get) out.push({ via: viaLabel(p.name, parentIsArray), value: { type: 'accessor', typeName: 'accessor', repr: '(getter)', expandable: false } });
  }
  for (const p of internal) {
    // [[Scopes]], [[FunctionLocation]] and friends are debugger internals; [[Entries]] of a Map or
    // Set and [[Target]] of a Proxy are what the program holds.
    if (p.value && (p.name === '[[Entries]]' || p.name === '[[Target]]' || p.name === '[[PrimitiveValue]]')) out.push({ via: p.name, value: summarize(p.value) });
  }
  return out;
}
