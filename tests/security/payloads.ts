/**
 * Injection payloads a person may type: HTML, scripts, event handlers, `javascript:` links,
 * Markdown links and images, Adaptive Card JSON, template syntax. Each one, if it ran in a
 * page, would set `window.__pwned` or open a dialog; the tests assert neither happens and
 * that the text is shown as text.
 */
export const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1;alert(1)">',
  '<svg onload="window.__pwned=1">',
  '"><iframe src="javascript:window.__pwned=1"></iframe>',
  '<a href="javascript:window.__pwned=1">lien</a>',
  '[cliquez ici](javascript:window.__pwned=1)',
  '![image](javascript:window.__pwned=1) ![photo](https://example.invalid/x.png)',
  '{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Image","url":"javascript:window.__pwned=1"}],"actions":[{"type":"Action.OpenUrl","title":"x","url":"javascript:window.__pwned=1"}]}',
  "{{constructor.constructor('window.__pwned=1')()}} ${alert(1)}",
] as const;

/** All the payloads in one message (a person may paste several at once). */
export const ALL_IN_ONE = PAYLOADS.join(' ');

/** Element and attribute names that must never appear as markup built from a payload. */
export const FORBIDDEN_ELEMENTS = ['script', 'iframe', 'svg', 'img[onerror]', 'a[href^="javascript:"]'] as const;
