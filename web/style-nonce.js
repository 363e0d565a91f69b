/*
 * The pages run under a Content-Security-Policy whose style-src admits only this origin's
 * files and the <style> elements carrying the nonce the service wrote on the page's scripts.
 * Web Chat (4.18) gives that nonce to its own <style> elements, but not to the one of its
 * transcript's scroller (react-scroll-to-bottom), which the policy would refuse: this gives
 * it the nonce as it is added to <head>. Elements parsed from HTML (an injected <style>) are
 * not concerned: they never go through these calls.
 */
(function () {
  'use strict';

  var nonce = document.currentScript && document.currentScript.nonce;
  var head = document.head;
  if (!nonce || !head) return;

  function stamp(node) {
    if (node && node.nodeName === 'STYLE' && !node.nonce && /^react-scroll-to-bottom--css-/.test(node.getAttribute('data-emotion') || '')) {
      node.setAttribute('nonce', nonce);
    }
  }

  var insertBefore = head.insertBefore;
  var appendChild = head.appendChild;
  head.insertBefore = function (node, reference) {
    stamp(node);
    return insertBefore.call(this, node, reference);
  };
  head.appendChild = function (node) {
    stamp(node);
    return appendChild.call(this, node);
  };
})();
