// The upload page's drop zone: a file dropped on it goes into the form's file input.
(function () {
  var d = document.getElementById('drop'), f = document.getElementById('berkas'), n = document.getElementById('nama-berkas');
  if (!d || !f || !n) return;
  function show() { n.textContent = f.files.length ? ('Dipilih: ' + f.files[0].name) : ''; }
  f.addEventListener('change', show);
  ['dragenter', 'dragover'].forEach(function (e) { d.addEventListener(e, function (ev) { ev.preventDefault(); d.classList.add('over'); }); });
  ['dragleave', 'drop'].forEach(function (e) { d.addEventListener(e, function (ev) { ev.preventDefault(); d.classList.remove('over'); }); });
  d.addEventListener('drop', function (ev) { if (ev.dataTransfer.files.length) { f.files = ev.dataTransfer.files; show(); } });
})();
