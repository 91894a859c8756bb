// A QR code opens the ballot page as /ballot/#CODE. The fragment never reaches the server; move it
// into the form, wipe it from the address bar and history, and post it.
(function () {
  var code = decodeURIComponent(window.location.hash.slice(1));
  if (!code) return;
  history.replaceState(null, "", window.location.pathname);
  document.getElementById("code").value = code;
  document.getElementById("code-form").submit();
})();
