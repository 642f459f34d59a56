// @ts-check
/**
 * Mamori upload monitor: the upload policy decision, as a plain script shared by the content script (isolated
 * world) and the service worker. It mirrors `decideUpload` in policies/src/upload-decision.ts over the same
 * flattened rule table the agent hands the extension (a test runs both over the same cases).
 */
(() => {
  /** @param {string} host @param {Iterable<string>} domains */
  function longestMatch(host, domains) {
    let best = '';
    for (const domain of domains) {
      if ((host === domain || host.endsWith(`.${domain}`)) && domain.length > best.length) best = domain;
    }
    return best || undefined;
  }

  /** @param {string} host @param {any} table */
  function categoryOf(host, table) {
    let best = '';
    let category = table.uncategorised;
    for (const [name, domains] of Object.entries(table.categories ?? {})) {
      const match = longestMatch(host, /** @type {string[]} */ (domains));
      if (match && match.length > best.length) {
        best = match;
        category = name;
      }
    }
    return category;
  }

  /**
   * @param {any} table the agent's UploadRuleTable
   * @param {string} rawHost
   * @param {number} nowMs
   * @returns {{mode: 'block' | 'warn' | 'audit' | 'allow', category: string, rule: string, exceptionUntilMs?: number}}
   */
  function decideUpload(table, rawHost, nowMs) {
    const host = rawHost.toLowerCase().replace(/\.$/, '');
    const category = categoryOf(host, table);
    const allowed = longestMatch(host, table.allowDomains ?? []);
    if (allowed) return { mode: 'allow', category, rule: `upload.enforcement.allow_domains.${allowed}` };
    if (category === table.ownCategory) return { mode: 'allow', category, rule: `upload.own_category.${category}` };
    const domain = longestMatch(host, Object.keys(table.domainModes ?? {}));
    const ruled = domain ? table.domainModes[domain] : table.categoryModes?.[category] ?? { mode: 'allow', rule: 'upload.enforcement.default' };
    if (ruled.mode === 'block' || ruled.mode === 'warn') {
      const exception = (table.exceptions ?? []).find((/** @type {any} */ x) => x.untilMs > nowMs
        && (x.category === category || (x.domain !== undefined && (host === x.domain || host.endsWith(`.${x.domain}`)))));
      if (exception) return { mode: 'allow', category, rule: exception.rule, exceptionUntilMs: exception.untilMs };
    }
    return { mode: ruled.mode, category, rule: ruled.rule };
  }

  /** @type {any} */ (globalThis).mamoriPolicy = { decideUpload, categoryOf };
})();
