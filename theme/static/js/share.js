/* Share buttons of the article page: "Copy link" and the system share sheet.
   They are rendered hidden and shown only where the browser can do the job, so
   without JavaScript (or without the API) no dead button is visible. The
   strings come from data- attributes written by the template, in the page's
   language. */
(function () {
  "use strict";

  function setup(tools) {
    var url = new URL(tools.dataset.shareUrl, document.baseURI).href;
    var title = tools.dataset.shareTitle || document.title;
    var status = tools.querySelector(".share-status");
    var copy = tools.querySelector(".share-copy");
    var native = tools.querySelector(".share-native");
    var timer;

    function announce(message) {
      // Empty first, so that the same message twice is announced twice.
      clearTimeout(timer);
      status.textContent = "";
      timer = setTimeout(function () {
        status.textContent = message;
        timer = setTimeout(function () { status.textContent = ""; }, 6000);
      }, 50);
    }

    if (copy && navigator.clipboard && navigator.clipboard.writeText) {
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(
          function () { announce(tools.dataset.copied); },
          function () { announce(tools.dataset.copyFailed); }
        );
      });
      copy.hidden = false;
    }

    if (native && typeof navigator.share === "function") {
      native.addEventListener("click", function () {
        navigator.share({ title: title, url: url }).catch(function () {
          // Closing the share sheet rejects the promise: nothing to report.
        });
      });
      native.hidden = false;
    }
  }

  document.querySelectorAll(".share-tools").forEach(setup);
})();
