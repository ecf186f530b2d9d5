// Starts Pagefind's search UI; Pagefind picks the index of the page's <html lang>.
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("search");
  if (!el || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#search",
    showImages: false,
    showSubResults: false,
    translations: { placeholder: el.dataset.placeholder }
  });
  // The words of a search form elsewhere (the 404 page): /search/?q=…
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) ui.triggerSearch(q);
});
