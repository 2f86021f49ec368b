// Building DOM nodes without a framework: h(tag, attributes, ...children).

/**
 * An element with attributes and children. Attributes: `class`, `text`, `html` is not
 * supported on purpose (everything shown is text from the API), `on<event>` handlers,
 * `dataset` (an object), booleans (`hidden`, `disabled`) and any other attribute as a string.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') element.textContent = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/** Append children: nodes, strings, numbers, arrays of them; null and false are skipped. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(element) {
  while (element.firstChild) element.firstChild.remove();
  return element;
}

/** 0x1234ab…cdef for a long hex string; short values unchanged. */
export function shortHex(value, keep = 6) {
  const text = String(value ?? '');
  if (!text.startsWith('0x') || text.length <= keep * 2 + 4) return text;
  return `${text.slice(0, keep + 2)}…${text.slice(-keep)}`;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Unix seconds as a local date and time in the page's language. */
export function formatTime(seconds, language) {
  if (!seconds) return '—';
  const locale = language === 'zh' ? 'zh-CN' : 'en-GB';
  return new Date(Number(seconds) * 1000).toLocaleString(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

export function formatBytes(size) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
