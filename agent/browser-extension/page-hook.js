// @ts-check
/* global document, window, location, CustomEvent, Request, XMLHttpRequest, Blob, File, URL */
/**
 * Mamori upload monitor: runs in the page's own JavaScript world (MAIN), before the page's scripts.
 *
 * Why: when a page sends a File or Blob as the whole body of fetch() or XMLHttpRequest, Chrome's webRequest
 * shows the request but not its body (requestBody.error), so the service worker cannot tell which file left.
 * This hook says "a Blob of this name and size is being sent to this URL". It lives in the page's world, so the
 * page can see, remove or fake it: the hint is only used to pick, among files the user really chose in this
 * tab (trusted input/drop events seen by the isolated content script), the one that a real body-carrying request
 * (seen by webRequest) sent. A fake hint without both of those records nothing.
 */
(() => {
  /** @param {unknown} body @param {string} url */
  const hint = (body, url) => {
    if (!(body instanceof Blob)) return;
    try {
      const detail = JSON.stringify({ name: body instanceof File ? body.name : '', size: body.size, url: new URL(url, location.href).href });
      document.dispatchEvent(new CustomEvent('mamori:blob-upload', { detail }));
    } catch {
      // never break the page
    }
  };
  const originalFetch = window.fetch;
  window.fetch = function fetch(input, init) {
    try {
      hint(init?.body, input instanceof Request ? input.url : String(input));
    } catch {
      // as above
    }
    return originalFetch.apply(this, /** @type {any} */ (arguments));
  };
  const urls = new WeakMap();
  const originalOpen = XMLHttpRequest.prototype.open;
  const originalSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function open(_method, url) {
    urls.set(this, String(url));
    return originalOpen.apply(this, /** @type {any} */ (arguments));
  };
  XMLHttpRequest.prototype.send = function send(body) {
    hint(body, urls.get(this) ?? '');
    return originalSend.apply(this, /** @type {any} */ (arguments));
  };
})();
