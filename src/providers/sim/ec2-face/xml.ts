/** EC2's Query API answers in XML under this namespace, whatever the action. */
export const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** A value as EC2 writes it: text, a nested element, or a `<…Set>` of `<item>`s. */
export type XmlValue = string | number | boolean | null | undefined | XmlNode | XmlValue[];
export interface XmlNode {
  [element: string]: XmlValue;
}

// Text content only (no attributes are written from data): quotes stay as EC2 sends them.
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
export const esc = (s: string): string => s.replace(/[&<>]/g, (c) => ESC[c]!);

function render(name: string, v: XmlValue): string {
  if (v === undefined) return '';
  if (v === null) return `<${name}/>`;
  if (Array.isArray(v) && v.length === 0) return `<${name}/>`;
  if (Array.isArray(v)) return `<${name}>${v.map((item) => render('item', item)).join('')}</${name}>`;
  if (typeof v === 'object') return `<${name}>${Object.entries(v).map(([k, c]) => render(k, c)).join('')}</${name}>`;
  return `<${name}>${esc(String(v))}</${name}>`;
}

/** `<{Action}Response xmlns=…><requestId>…</requestId>…</{Action}Response>`, as EC2 sends it. */
export function responseXml(action: string, requestId: string, body: XmlNode): string {
  const inner = Object.entries(body).map(([k, v]) => render(k, v)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NS}"><requestId>${requestId}</requestId>${inner}</${action}Response>`;
}

/** EC2's error document: note `RequestID` here, unlike `requestId` in successes. */
export function errorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}
