// Small progressive enhancements; every page works without this file.
// Loaded as a file (the CSP forbids inline script).
(function () {
  'use strict';
  // After an htmx swap replaced the form the user was in, put keyboard focus back
  // somewhere meaningful (the element named by the form's data-focus-after), or
  // on the first field in error.
  document.addEventListener('htmx:afterSettle', function (event) {
    var form = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    var selector = form && form.getAttribute && form.getAttribute('data-focus-after');
    var invalid = document.querySelector('[aria-invalid="true"]');
    var target = invalid || (selector && document.querySelector(selector));
    if (target && typeof target.focus === 'function') {
      target.focus();
    }
  });
})();
