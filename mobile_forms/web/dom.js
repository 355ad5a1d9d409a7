/* Small DOM helpers: find by id, build an element, and set Thai text that wraps between phrases. */

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'html') node.innerHTML = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/* Thai has no spaces between words, and the line breaker's dictionary splits words such as
 * เจ้า|หน้าที่ on a narrow screen. The texts here put a space between phrases: each phrase becomes
 * an inline-block, so lines break between phrases (a phrase wider than the screen still wraps). */
export function setText(node, text) {
  text = text == null ? '' : String(text);
  if (!/[\u0E00-\u0E7F]/.test(text) || !text.includes(' ')) { node.textContent = text; return; }
  const parts = [];
  text.split(' ').forEach((phrase, i) => {
    if (i) parts.push(' ');
    if (phrase) parts.push(el('span', { class: 'w' }, phrase));
  });
  node.replaceChildren(el('span', {}, parts)); // one box, also inside a flex button
}
