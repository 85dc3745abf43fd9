/* Pantau dashboards: draws the charts built at publish time, formats numbers the Indonesian way,
 * and runs the pages that load data on demand (Wilayah drill-down, Direktori, Profil Koperasi).
 * Everything from the data is put in the page as text (textContent), never as HTML. */
(function () {
  'use strict';
  var P = window.Pantau = {};
  // No inline style anywhere (the pages run under a Content-Security-Policy without
  // 'unsafe-inline'): a card's accent and a chart's height come as data attributes and are applied
  // here through the CSSOM, which the policy allows; the office colour is assets/kantor.css.

  // ---- numbers: 1.234.567,89; Rp; jt/M on axes -------------------------------------------------
  function grup(s) { return s.replace(/\B(?=(\d{3})+(?!\d))/g, '.'); }
  P.angka = function (n, dec) {
    if (n === null || n === undefined || n === '' || isNaN(n)) return '–';
    n = Number(n);
    var s = Math.abs(n).toFixed(dec || 0), parts = s.split('.');
    var out = grup(parts[0]) + (parts[1] ? ',' + parts[1] : '');
    return (n < 0 && Number(s) !== 0 ? '-' : '') + out;
  };
  P.rp = function (n) {
    if (n === null || n === undefined || isNaN(n)) return '–';
    return (Number(n) < 0 ? '-Rp ' : 'Rp ') + P.angka(Math.abs(n), Number(n) % 1 ? 2 : 0);
  };
  P.persen = function (n) { return (n === null || n === undefined || isNaN(n)) ? '–' : P.angka(n, 1) + '%'; };
  P.singkat = function (n) {
    var a = Math.abs(n), f = function (x, u) { return P.angka(x, 1).replace(/,0$/, '') + u; };
    if (a >= 1e12) return f(n / 1e12, ' T');
    if (a >= 1e9) return f(n / 1e9, ' M');
    if (a >= 1e6) return f(n / 1e6, ' jt');
    if (a >= 1e3) return f(n / 1e3, ' rb');
    return P.angka(n, a % 1 ? 1 : 0);
  };
  // format of a value of a given kind, full (tooltips, tables) or short (axes)
  P.format = function (kind, n, pendek) {
    switch (kind) {
      case 'rp': return pendek ? (n === 0 ? '0' : (n < 0 ? '-Rp ' : 'Rp ') + P.singkat(Math.abs(n))) : P.rp(n);
      case 'persen': return P.persen(n).replace(pendek ? ',0%' : '\u0000', '%');
      case 'desimal': return P.angka(n, pendek ? 0 : 2);
      default: return pendek ? P.singkat(n) : P.angka(n);
    }
  };
  P.sel = function (kind, v) {
    if (v === null || v === undefined || v === '') return '–';
    switch (kind) {
      case 'angka': return P.angka(v);
      case 'rp': return P.rp(v);
      case 'persen': return P.persen(v);
      case 'desimal': return P.angka(v, 2);
      case 'tanggal': return P.tanggal(v);
      default: return String(v);
    }
  };
  var BULAN = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
  P.tanggal = function (s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(s || ''));
    return m ? Number(m[3]) + ' ' + BULAN[Number(m[2]) - 1] + ' ' + m[1] : (s ? String(s) : '–');
  };
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  P.esc = esc;

  // ---- DOM helpers (text only) -----------------------------------------------------------------
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else if (k === 'style') e.style.cssText = attrs[k]; // CSSOM: allowed where a style attribute is not
      else e.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  P.el = el;
  function json(id) {
    var n = document.getElementById(id);
    return n ? JSON.parse(n.textContent) : null;
  }
  function stempel() {
    var s = document.getElementById('stempel');
    return s ? s.getAttribute('data-teks') : '';
  }

  // ---- charts ----------------------------------------------------------------------------------
  var charts = [];
  function palet() {
    var v = document.body.getAttribute('data-palet');
    return v ? v.split(',').map(function (s) { return s.trim(); }).filter(Boolean) : null;
  }
  function arr(x) { return x === undefined || x === null ? [] : (Array.isArray(x) ? x : [x]); }

  // siapkan turns a go-echarts option into the office's look with Indonesian number formatting.
  P.siapkan = function (o, fmt, lebar) {
    fmt = fmt || 'angka';
    o.animation = false;
    o.textStyle = { fontFamily: 'Inter, system-ui, sans-serif', color: '#37474f' };
    var p = palet();
    if (p && p.length) o.color = p;
    var legend = o.legend && o.legend.show !== false;
    var pie = arr(o.series).some(function (s) { return s.type === 'pie' || s.type === 'funnel'; });
    // A legend of up to 6 items is shown whole, wrapped over as many lines as the chart's width
    // needs (ECharts wraps a plain legend); the grid starts below it. Longer legends scroll.
    var namaLegenda = arr(o.series).map(function (s) { return s.name; }).filter(function (n) { return n !== undefined && n !== ''; });
    if (pie) namaLegenda = (arr(o.series)[0] && arr(o.series)[0].data || []).map(function (d) { return d && d.name; }).filter(Boolean);
    var gulirLegenda = namaLegenda.length > 6, barisLegenda = 1;
    if (legend && !gulirLegenda && lebar) {
      var x = 0, w = lebar - 20;
      namaLegenda.forEach(function (n) {
        var iw = 25 + 10 + String(n).length * 7.2; // icon, gaps, text at 12px
        if (x > 0 && x + iw > w) { barisLegenda++; x = 0; }
        x += iw;
      });
    }
    if (!pie) {
      o.grid = { left: 16, right: 18, top: legend ? 16 + 24 * barisLegenda : 16, bottom: 8, containLabel: true };
      var kanan = o.pantauKanan || fmt;
      ['xAxis', 'yAxis'].forEach(function (ax) {
        o[ax] = arr(o[ax]).map(function (a, i) {
          a = a || {};
          var cat = Array.isArray(a.data) && a.data.length >= 0 && a.data !== undefined && a.data !== null && a.type !== 'value';
          if (cat && a.data) {
            a.type = 'category';
            a.axisLabel = Object.assign({ hideOverlap: true, color: '#455a64' }, a.axisLabel || {});
            // long names are shortened in the text itself: ECharts' own truncation (width +
            // overflow) is not counted by containLabel, which clips the longest label at the edge
            if (ax === 'yAxis') { a.axisLabel.lineHeight = 15; a.axisLabel.formatter = function (v) { return String(v).split('\n').map(function (l) { return l.length > 34 ? l.slice(0, 33) + '…' : l; }).join('\n'); }; }
            else if (a.data.length > 6 || a.data.some(function (d) { return String(d).length > 12; })) {
              // rotated labels are shown whole (containLabel makes room below the bars)
              a.axisLabel.interval = 0; a.axisLabel.rotate = 30; a.axisLabel.hideOverlap = false;
            }
            a.axisTick = { alignWithLabel: true };
          } else {
            var kind = i === 1 ? kanan : fmt;
            a.type = 'value';
            delete a.data;
            a.name = i === 1 ? '' : a.name;
            a.axisLabel = { color: '#607d8b', formatter: function (v) { return P.format(kind, v, true); } };
            a.splitLine = { lineStyle: { color: '#eceff1' } };
            if (kind === 'angka') a.minInterval = 1; // counts: no 0,5 ticks
            if (kind === 'persen' && i === 0) { a.max = function (v) { return v.max > 100 ? v.max : 100; }; }
          }
          return a;
        });
      });
    }
    if (legend) o.legend = Object.assign(o.legend || {}, { type: gulirLegenda ? 'scroll' : 'plain', left: 'center', right: gulirLegenda ? undefined : 10, itemGap: 10, textStyle: { color: '#455a64' } });
    var kananKind = o.pantauKanan || fmt;
    // The tooltip is built as elements, not HTML text: ECharts' own markers are HTML with a style
    // attribute, which the Content-Security-Policy refuses; the text goes in as text.
    o.tooltip = Object.assign(o.tooltip || {}, {
      confine: true,
      formatter: function (ps) {
        ps = arr(ps);
        if (!ps.length) return '';
        var box = el('div', { class: 'tooltip' });
        if (ps[0].seriesType === 'pie' || ps[0].seriesType === 'funnel') {
          var q = ps[0];
          box.appendChild(el('b', { text: q.name }));
          box.appendChild(el('br'));
          box.appendChild(document.createTextNode(P.format(fmt, q.value) + (q.percent !== undefined ? ' (' + P.angka(q.percent, 1) + '%)' : '')));
          return box;
        }
        box.appendChild(el('b', { text: ps[0].name }));
        ps.forEach(function (q) {
          var kind = q.seriesIndex !== undefined && o.series[q.seriesIndex] && o.series[q.seriesIndex].yAxisIndex === 1 ? kananKind : fmt;
          var v = Array.isArray(q.value) ? q.value[q.value.length - 1] : q.value;
          var tanda = el('span', { class: 'penanda' });
          if (typeof q.color === 'string') tanda.style.backgroundColor = q.color;
          box.appendChild(el('br'));
          box.appendChild(tanda);
          box.appendChild(document.createTextNode(q.seriesName + ': '));
          box.appendChild(el('b', { text: P.format(kind, v) }));
        });
        return box;
      }
    });
    arr(o.series).forEach(function (s) {
      if (s.type === 'bar') { s.barMaxWidth = 38; }
      if (s.type === 'funnel') {
        s.label = { show: true, position: 'inside', color: '#fff', fontWeight: 600, formatter: function (q) { return q.name + ': ' + P.angka(q.value); } };
        s.left = '8%'; s.width = '84%'; s.top = 10; s.bottom = 10; s.sort = 'none'; s.gap = 2; s.minSize = '18%';
      }
      if (s.type === 'pie') {
        s.label = { show: true, lineHeight: 16, formatter: function (q) { return q.name + '\n' + P.angka(q.percent, 1) + '%'; } };
        s.avoidLabelOverlap = true;
      }
      if (s.type === 'line') { s.symbolSize = 7; s.lineStyle = { width: 2.5 }; }
    });
    return o;
  };

  P.gambar = function (node, option, fmt) {
    var c = echarts.init(node, null, { renderer: 'canvas' });
    c.setOption(P.siapkan(option, fmt, node.clientWidth));
    charts.push(c);
    return c;
  };

  function gambarSemua() {
    Array.prototype.forEach.call(document.querySelectorAll('.kartu[data-warna]'), function (k) { k.style.borderTopColor = k.getAttribute('data-warna'); });
    var nodes = document.querySelectorAll('.grafik[data-grafik]');
    Array.prototype.forEach.call(nodes, function (n) {
      var spec = json('grafik-' + n.getAttribute('data-grafik'));
      if (!spec) return;
      if (n.getAttribute('data-tinggi')) n.style.height = n.getAttribute('data-tinggi') + 'px';
      var c = P.gambar(n, spec.option, spec.format);
      if (spec.option.pantauKode) {
        c.on('click', function (q) { var k = spec.option.pantauKode[q.dataIndex]; if (k) location.hash = '#' + k; });
      }
    });
  }
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });

  // ---- data files loaded on demand (scripts, because file:// pages cannot fetch) ----------------
  var data = { dir: {}, kop: {}, nik: {}, kasus: {} }, tunggu = {};
  P.terima = function (kind, key, v) {
    data[kind][key] = v;
    var k = kind + '/' + key;
    (tunggu[k] || []).forEach(function (f) { f(null, v); });
    delete tunggu[k];
  };
  P.muat = function (kind, key, cb) {
    if (data[kind][key] !== undefined) return cb(null, data[kind][key]);
    var k = kind + '/' + key;
    if (tunggu[k]) return tunggu[k].push(cb);
    tunggu[k] = [cb];
    var s = document.createElement('script');
    s.src = 'data/' + kind + '/' + encodeURIComponent(key) + '.js';
    s.onerror = function () {
      var f = tunggu[k] || []; delete tunggu[k];
      f.forEach(function (g) { g(new Error('berkas data ' + s.src + ' tidak dapat dimuat')); });
    };
    document.head.appendChild(s);
  };
  function muatBanyak(kind, keys, progress, cb) {
    var i = 0, n = keys.length;
    // a few at a time: fast from disk, gentle on a browser with 500 files to parse
    var aktif = 0, selesai = 0, gagal = null;
    function lanjut() {
      while (aktif < 6 && i < n) {
        aktif++;
        P.muat(kind, keys[i++], function (err) {
          aktif--; selesai++;
          if (err && !gagal) gagal = err;
          if (progress) progress(selesai, n);
          if (selesai === n) cb(gagal); else lanjut();
        });
      }
    }
    if (!n) cb(null); else lanjut();
  }

  function siap() { document.documentElement.setAttribute('data-siap', String(charts.length)); }
  function galat(msg) {
    var m = document.querySelector('main');
    if (m) m.insertBefore(el('div', { class: 'galat', text: msg }), m.firstChild);
  }
  P.galat = galat;

  // ---- tables ----------------------------------------------------------------------------------
  function tabel(node, kolom, rows, link) {
    node.textContent = '';
    var tr = el('tr');
    kolom.forEach(function (k) { tr.appendChild(el('th', { class: k.Tipe || k.tipe || 'teks', text: k.Label || k.label })); });
    node.appendChild(el('thead', null, [tr]));
    var tb = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (v, j) {
        var k = kolom[j], tipe = k.Tipe || k.tipe || 'teks';
        var td = el('td', { class: tipe });
        var h = link && link(j, r);
        if (h) td.appendChild(el('a', { href: h, text: P.sel(tipe, v) }));
        else td.textContent = P.sel(tipe, v);
        row.appendChild(td);
      });
      tb.appendChild(row);
    });
    node.appendChild(tb);
  }
  P.tabel = tabel;

  // CSV as Indonesian Excel reads it: BOM, ';', decimal comma.
  P.unduhCSV = function (nama, kolom, rows) {
    var sel = function (v) {
      if (v === null || v === undefined) return '';
      var s = typeof v === 'number' ? String(v).replace('.', ',') : String(v);
      if (/^[=+\-@]/.test(s) && typeof v !== 'number') s = "'" + s;
      return /[;"\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    var lines = [kolom.map(function (k) { return sel(k.Label || k.label); }).join(';')];
    rows.forEach(function (r) { lines.push(r.map(sel).join(';')); });
    var blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
    var a = el('a', { href: URL.createObjectURL(blob), download: nama });
    document.body.appendChild(a); a.click(); a.remove();
  };

  // XLSX generated in the page for the profile's tables (the aggregate pages' XLSX files are written
  // at publish time by excelize). A minimal Office Open XML workbook in a stored (uncompressed) zip:
  // numbers as numbers, everything else as inline text, so nothing from the data becomes a formula.
  var CRC = (function () {
    var t = [];
    for (var n = 0; n < 256; n++) { var c = n; for (var k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1; t[n] = c >>> 0; }
    return t;
  })();
  function crc32(b) { var c = 0xFFFFFFFF; for (var i = 0; i < b.length; i++) c = CRC[(c ^ b[i]) & 0xFF] ^ (c >>> 8); return (c ^ 0xFFFFFFFF) >>> 0; }
  function zip(files) {
    var enc = new TextEncoder(), parts = [], central = [], off = 0;
    function u16(v) { return [v & 255, (v >>> 8) & 255]; }
    function u32(v) { return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255]; }
    files.forEach(function (f) {
      var name = enc.encode(f[0]), data = enc.encode(f[1]), crc = crc32(data);
      var common = [].concat(u16(20), u16(0x0800), u16(0), u16(0), u16(0x21), u32(crc), u32(data.length), u32(data.length), u16(name.length), u16(0));
      var local = new Uint8Array([].concat(u32(0x04034b50), common));
      parts.push(local, name, data);
      central.push(new Uint8Array([].concat(u32(0x02014b50), u16(20), common, u16(0), u16(0), u16(0), u32(0), u32(off))), name);
      off += local.length + name.length + data.length;
    });
    var size = central.reduce(function (a, b) { return a + b.length; }, 0);
    var end = new Uint8Array([].concat(u32(0x06054b50), u16(0), u16(0), u16(files.length), u16(files.length), u32(size), u32(off), u16(0)));
    var all = parts.concat(central, [end]), n = all.reduce(function (a, b) { return a + b.length; }, 0), out = new Uint8Array(n), at = 0;
    all.forEach(function (b) { out.set(b, at); at += b.length; });
    return out;
  }
  function xmlEsc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ''); }
  function kolomHuruf(i) { var s = ''; i++; while (i > 0) { var m = (i - 1) % 26; s = String.fromCharCode(65 + m) + s; i = Math.floor((i - 1) / 26); } return s; }
  P.xlsxBytes = function (kolom, rows) {
    var baris = [kolom.map(function (k) { return k.Label || k.label; })].concat(rows);
    var sheet = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
      baris.map(function (r, i) {
        return '<row r="' + (i + 1) + '">' + r.map(function (v, j) {
          var ref = kolomHuruf(j) + (i + 1);
          if (v === null || v === undefined || v === '') return '';
          if (typeof v === 'number' && isFinite(v)) return '<c r="' + ref + '"><v>' + v + '</v></c>';
          return '<c r="' + ref + '" t="inlineStr"><is><t xml:space="preserve">' + xmlEsc(v) + '</t></is></c>';
        }).join('') + '</row>';
      }).join('') + '</sheetData></worksheet>';
    var ns = 'http://schemas.openxmlformats.org/';
    return zip([
      ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="' + ns + 'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'],
      ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="' + ns + 'package/2006/relationships"><Relationship Id="rId1" Type="' + ns + 'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'],
      ['xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="' + ns + 'spreadsheetml/2006/main" xmlns:r="' + ns + 'officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'],
      ['xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="' + ns + 'package/2006/relationships"><Relationship Id="rId1" Type="' + ns + 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'],
      ['xl/worksheets/sheet1.xml', sheet]
    ]);
  };
  P.unduhXLSX = function (nama, kolom, rows) {
    var blob = new Blob([P.xlsxBytes(kolom, rows)], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    var a = el('a', { href: URL.createObjectURL(blob), download: nama });
    document.body.appendChild(a); a.click(); a.remove();
  };
  // unduhan returns "Unduh: CSV · XLSX" links for a table built in the page.
  function unduhan(nama, kolom, rows) {
    var csv = el('a', { href: '#', text: 'CSV' }), xl = el('a', { href: '#', text: 'XLSX' });
    csv.addEventListener('click', function (e) { e.preventDefault(); P.unduhCSV(nama + '.csv', kolom, rows); });
    xl.addEventListener('click', function (e) { e.preventDefault(); P.unduhXLSX(nama + '.xlsx', kolom, rows); });
    return el('span', { class: 'unduh' }, ['Unduh: ', csv, ' · ', xl]);
  }

  var WARNA_STATUS = { 'aktif': '#2e7d32', 'Aktif': '#2e7d32', 'tidak_aktif': '#c62828', 'Tidak aktif': '#c62828', 'baru': '#1565c0', 'Baru': '#1565c0', 'dibubarkan': '#757575', 'Dibubarkan': '#757575' };
  var LABEL_STATUS = { aktif: 'Aktif', tidak_aktif: 'Tidak aktif', baru: 'Baru', dibubarkan: 'Dibubarkan', belum_dinilai: 'Belum dinilai' };
  var WARNA_KATEGORI = { 'Sehat': '#2e7d32', 'Cukup Sehat': '#7cb342', 'Dalam Pengawasan': '#ef8f00', 'Dalam Pengawasan Khusus': '#c62828', 'Tidak Dapat Dinilai': '#9e9e9e' };
  var LABEL_PERINGATAN = { rat_terlambat: 'RAT terlambat', belum_lapor: 'Belum lapor' };
  function lencana(text, warna) { return el('span', { class: 'lencana', style: 'background:' + (warna || '#78909c'), text: text }); }
  function peringatan(s) {
    var f = document.createDocumentFragment();
    String(s || '').split(',').filter(Boolean).forEach(function (p) { f.appendChild(el('span', { class: 'peringatan', text: LABEL_PERINGATAN[p] || p })); });
    return f;
  }

  // ---- Wilayah: kab/kota → kecamatan ------------------------------------------------------------
  function wilayah() {
    var D = json('data-halaman'), box = document.getElementById('kecamatan');
    if (!D || !box) return;
    var chart = null;
    function buka() {
      var kode = decodeURIComponent(location.hash.replace(/^#/, ''));
      var semua = Object.keys(D.wilayah);
      if (!kode && semua.length === 1) kode = semua[0]; // a kab/kota office: open its kecamatan at once
      var w = D.wilayah[kode];
      if (!w) { box.hidden = true; return; }
      box.hidden = false;
      document.getElementById('kec-judul').textContent = 'Kecamatan di ' + w.nama;
      var rows = w.kec || [];
      var top = rows.slice(0, 40).reverse();
      var cats = top.map(function (r) { return r[1]; });
      var s = function (name, i, color) { return { type: 'bar', name: name, stack: 's', itemStyle: { color: color }, data: top.map(function (r) { return i.reduce(function (a, j) { return a + (r[j] || 0); }, 0); }) }; };
      var opt = {
        legend: { show: true, top: 0 }, tooltip: { trigger: 'axis' },
        xAxis: [{}], yAxis: [{ data: cats }],
        series: [s('Aktif', [3], '#2e7d32'), s('Tidak aktif', [4], '#c62828'), s('Baru / dibubarkan', [5, 6], '#757575')]
      };
      var g = document.getElementById('kec-grafik');
      g.style.height = Math.max(300, 60 + 24 * cats.length) + 'px';
      if (chart) { chart.dispose(); charts.splice(charts.indexOf(chart), 1); }
      chart = P.gambar(g, opt, 'angka');
      tabel(document.getElementById('kec-tabel'), D.kolom, rows, function (j, r) { return j === 1 && r[0] ? 'direktori.html#w=' + encodeURIComponent(kode) + '&q=' + encodeURIComponent(r[1]) : null; });
      document.getElementById('kec-csv').href = 'unduh/wilayah/' + encodeURIComponent(kode) + '.csv';
      document.getElementById('kec-xlsx').href = 'unduh/wilayah/' + encodeURIComponent(kode) + '.xlsx';
      document.getElementById('kec-direktori').href = 'direktori.html#w=' + encodeURIComponent(kode);
      box.scrollIntoView({ block: 'start' });
      siap();
    }
    document.getElementById('kec-tutup').addEventListener('click', function (e) { e.preventDefault(); history.pushState(null, '', location.pathname); buka(); window.scrollTo(0, 0); });
    window.addEventListener('hashchange', buka);
    buka();
  }

  // ---- Direktori ---------------------------------------------------------------------------------
  var PER_HALAMAN = 100, MUAT_SEMUA = 20000;
  function direktori() {
    var D = json('data-halaman');
    if (!D) return;
    var selW = document.getElementById('dir-wilayah'), cari = document.getElementById('dir-cari'),
      selS = document.getElementById('dir-status'), selJ = document.getElementById('dir-jenis'),
      info = document.getElementById('dir-info'), tbl = document.getElementById('dir-tabel'),
      hal = 0, baris = [], jenisAda = {};
    document.getElementById('dir-stempel').textContent = stempel();
    selW.appendChild(el('option', { value: '', text: 'Semua wilayah (' + P.angka(D.total) + ')' }));
    D.wilayah.forEach(function (w) { selW.appendChild(el('option', { value: w.kode, text: w.nama + ' (' + P.angka(w.n) + ')' })); });
    function state() {
      var h = new URLSearchParams(location.hash.replace(/^#/, ''));
      return { w: h.get('w') || '', q: h.get('q') || '', s: h.get('status') || '', j: h.get('jenis') || '', hal: Number(h.get('hal') || 0) };
    }
    function simpan() {
      var h = new URLSearchParams();
      if (selW.value) h.set('w', selW.value);
      if (cari.value) h.set('q', cari.value);
      if (selS.value) h.set('status', selS.value);
      if (selJ.value) h.set('jenis', selJ.value);
      if (hal) h.set('hal', hal);
      history.replaceState(null, '', '#' + h.toString());
    }
    function kumpulkan(keys) {
      baris = [];
      keys.forEach(function (k) {
        (data.dir[k] || []).forEach(function (r) {
          if (!r._c) r._c = [r[0], r[1], r[4], r[5], r[10]].join(' ').toLowerCase();
          if (r[2] && !jenisAda[r[2]]) { jenisAda[r[2]] = true; selJ.appendChild(el('option', { text: r[2] })); }
          baris.push(r);
        });
      });
    }
    function tampil() {
      var q = cari.value.trim().toLowerCase().split(/\s+/).filter(Boolean), s = selS.value, j = selJ.value;
      var hasil = baris.filter(function (r) {
        if (s && r[6] !== s) return false;
        if (j && r[2] !== j) return false;
        for (var i = 0; i < q.length; i++) if (r._c.indexOf(q[i]) < 0) return false;
        return true;
      });
      var n = hasil.length, halaman = Math.max(1, Math.ceil(n / PER_HALAMAN));
      if (hal >= halaman) hal = halaman - 1;
      var pot = hasil.slice(hal * PER_HALAMAN, (hal + 1) * PER_HALAMAN);
      info.textContent = P.angka(n) + ' koperasi' + (n !== baris.length ? ' dari ' + P.angka(baris.length) + ' yang dimuat' : '') + (selW.value ? ' di ' + selW.options[selW.selectedIndex].text.replace(/ \([\d.]+\)$/, '') : '') + '.';
      tbl.textContent = '';
      var head = el('tr');
      ['NIK', 'Nama koperasi', 'Jenis', 'Kecamatan', 'Desa/kelurahan', 'Status', 'Peringatan', 'Kesehatan'].forEach(function (h) { head.appendChild(el('th', { text: h })); });
      tbl.appendChild(el('thead', null, [head]));
      var tb = el('tbody');
      pot.forEach(function (r) {
        var kes = r[8] ? lencana(r[8] + (r[9] ? ' (' + r[9] + ')' : '') + (RUBRIK_SEMENTARA[String(r[11] || '').replace(/ \(sementara\)$/, '')] ? ' · sementara' : ''), WARNA_KATEGORI[r[8]]) : '–';
        if (r[8] && r[11]) kes.title = 'Rubrik ' + r[11];
        tb.appendChild(el('tr', null, [
          el('td', { text: r[0] }),
          el('td', null, [el('a', { href: 'koperasi.html#' + encodeURIComponent(r[0]), text: r[1] })]),
          el('td', { text: r[2] || '–' }), el('td', { text: r[4] || '–' }), el('td', { text: r[5] || '–' }),
          el('td', null, [lencana(r[6], WARNA_STATUS[r[6]])]),
          el('td', null, [peringatan(r[7])]),
          el('td', null, [kes])
        ]));
      });
      tbl.appendChild(tb);
      document.getElementById('dir-hal').textContent = 'Halaman ' + (hal + 1) + ' dari ' + halaman;
      document.getElementById('dir-sebelum').disabled = hal <= 0;
      document.getElementById('dir-berikut').disabled = hal >= halaman - 1;
      var csv = document.getElementById('dir-csv'), xl = document.getElementById('dir-xlsx');
      csv.href = selW.value ? 'unduh/direktori/' + encodeURIComponent(selW.value) + '.csv' : 'unduh/direktori/semua.csv';
      xl.href = selW.value ? 'unduh/direktori/' + encodeURIComponent(selW.value) + '.xlsx' : '';
      xl.style.display = selW.value ? '' : 'none';
      xl.previousSibling.textContent = selW.value ? ' · ' : '';
      simpan();
      siap();
    }
    function pilihWilayah() {
      var keys = selW.value ? [selW.value] : D.wilayah.map(function (w) { return w.kode; });
      if (!selW.value && D.total > MUAT_SEMUA && !pilihWilayah.semua) {
        baris = []; info.textContent = 'Direktori berisi ' + P.angka(D.total) + ' koperasi. Pilih wilayah, atau ';
        var b = el('button', { type: 'button', text: 'muat semua wilayah' });
        b.addEventListener('click', function () { pilihWilayah.semua = true; pilihWilayah(); });
        info.appendChild(b);
        tbl.textContent = '';
        siap();
        return;
      }
      info.textContent = 'Memuat data wilayah…';
      muatBanyak('dir', keys, function (i, n) { if (n > 1) info.textContent = 'Memuat data wilayah… ' + i + '/' + n; }, function (err) {
        if (err) { galat('Sebagian data direktori tidak dapat dimuat: ' + err.message); }
        kumpulkan(keys);
        tampil();
      });
    }
    var st = state();
    if (st.w && D.wilayah.some(function (w) { return w.kode === st.w; })) selW.value = st.w;
    else if (!st.w && D.total > MUAT_SEMUA && D.wilayah.length) selW.value = D.wilayah[0].kode;
    cari.value = st.q; selS.value = st.s; hal = st.hal;
    if (st.j) { jenisAda[st.j] = true; selJ.appendChild(el('option', { text: st.j })); selJ.value = st.j; }
    var tunda;
    cari.addEventListener('input', function () { clearTimeout(tunda); tunda = setTimeout(function () { hal = 0; tampil(); }, 120); });
    selS.addEventListener('change', function () { hal = 0; tampil(); });
    selJ.addEventListener('change', function () { hal = 0; tampil(); });
    selW.addEventListener('change', function () { hal = 0; pilihWilayah(); });
    document.getElementById('dir-sebelum').addEventListener('click', function () { hal--; tampil(); });
    document.getElementById('dir-berikut').addEventListener('click', function () { hal++; tampil(); });
    pilihWilayah();
  }

  // ---- Profil koperasi ---------------------------------------------------------------------------
  function shard(nik) {
    var s = String(nik).replace(/[^0-9a-zA-Z]/g, '').toLowerCase();
    return s.length < 2 ? '00' : s.slice(-2);
  }
  function panel(judul, ket, kids, lebar) {
    var a = el('article', { class: 'panel' + (lebar ? ' lebar' : '') }, [el('header', null, [el('h2', { text: judul }), ket ? el('p', { class: 'ket', text: ket }) : null])].concat(kids));
    a.appendChild(el('footer', null, [el('span', { class: 'stempel-panel', text: stempel() })]));
    return a;
  }
  function koperasi() {
    var D = json('data-halaman') || {}, box = document.getElementById('koperasi'), info = document.getElementById('kop-info');
    var nik = decodeURIComponent(location.hash.replace(/^#/, '')).trim();
    if (!nik) { info.textContent = 'Buka profil dari Direktori, atau tambahkan NIK di alamat: koperasi.html#<NIK>.'; siap(); return; }
    P.muat('nik', shard(nik), function (err, idx) {
      var kab = !err && idx ? idx[nik] : null;
      if (!kab) { info.textContent = 'Koperasi dengan NIK ' + nik + ' tidak ditemukan di direktori.'; siap(); return; }
      P.muat('kop', kab, function (err, all) {
        var d = !err && all && all.k ? bukaKoperasi(all, all.k[nik]) : null;
        if (!d) { info.textContent = 'Data koperasi dengan NIK ' + nik + ' tidak dapat dimuat.'; siap(); return; }
        info.remove();
        tampilKoperasi(box, d, D.publik, kab);
        if (D.publik) siap();
        else kasusKoperasi(box, nik, kab, !!all.ks, siap);
      });
    });
    window.addEventListener('hashchange', function () { location.reload(); });
  }
  // The compact rows of data/kop/<kab>.js back to what the page shows (see direktori.go).
  var PROFIL = ['nik', 'nama', 'jenis', 'kelompok', 'kecamatan', 'desa', 'status', 'peringatan', 'kategori', 'grade',
    'nbh', 'bentuk', 'sektor', 'tbh', 'bubar', 'alasan', 'per', 'ratTahun', 'ratTanggal', 'alamat', 'ketua', 'telepon'];
  var KATEGORI = ['Sehat', 'Cukup Sehat', 'Dalam Pengawasan', 'Dalam Pengawasan Khusus', 'Tidak Dapat Dinilai'];
  // manusia turns a code like kinerja_keuangan into "Kinerja keuangan" (older data files carry the
  // aspect code; newer ones its name from the rubric).
  function manusia(s) { s = String(s || ''); if (s.indexOf('_') < 0 && /[A-Z ]/.test(s)) return s; s = s.replace(/_/g, ' '); return s.charAt(0).toUpperCase() + s.slice(1); }
  // The rubrics: which one heads a profile is decided at publish time (rubrikUtama in Go); these
  // say what each is, in words an official reads.
  var RUBRIK_SEMENTARA = { 'kkpkk-2021': true };
  var RUBRIK_KET = {
    'ksp-2016': 'rubrik resmi koperasi simpan pinjam (Perdep 06/Per/Dep.6/IV/2016)',
    'umum-2026': 'rubrik umum kantor untuk koperasi selain simpan pinjam (bukan peraturan)',
    'kkpkk-2021': 'rubrik KKPKK (Permenkop 9/2020) — sementara: sebagian bobot dan batas belum terkonfirmasi'
  };
  function namaRubrik(r) { return r + (RUBRIK_SEMENTARA[r] ? ' (sementara)' : ''); }
  function bukaKoperasi(file, d) {
    if (!d) return null;
    var p = {};
    PROFIL.forEach(function (k, i) { if (i < d.p.length) p[k] = d.p[i]; });
    p.kab = file.kab; p.prov = file.prov;
    return {
      p: p, t: d.t || [], u: d.u || null,
      k: (d.k || []).map(function (r) { return [r[0], file.r[r[1]], r[2], typeof r[3] === 'number' ? KATEGORI[r[3]] : r[3], r[4], r[5], r[6]]; }),
      // [aspek, indikator, rubrik, tahun, nilai, band, skor, bobot, dinilai, input hilang]
      i: (d.i || []).map(function (r) { var n = file.d[r[0]] || ['', '']; return [manusia(n[0]), n[1], file.r[r[1]]].concat(r.slice(2)); })
    };
  }
  function tampilKoperasi(box, d, publik, kab) {
    var p = d.p;
    document.title = p.nama + ' · ' + document.title;
    var h1 = document.querySelector('h1');
    if (h1) h1.textContent = p.nama;
    var desk = document.querySelector('.desk');
    if (!desk) { desk = el('p', { class: 'desk' }); h1.parentNode.appendChild(desk); }
    desk.textContent = 'NIK ' + p.nik + ' · ' + [p.kecamatan, p.kab].filter(Boolean).join(', ');
    var status = p.status || 'belum_dinilai';
    var kepala = el('div', { class: 'kop-kepala' }, [
      lencana(LABEL_STATUS[status] || status, WARNA_STATUS[status]),
      p.kategori ? lencana('Kesehatan: ' + p.kategori + (p.grade ? ' (' + p.grade + ')' : '') + (d.u && RUBRIK_SEMENTARA[d.u[0]] ? ' · sementara' : ''), WARNA_KATEGORI[p.kategori]) : null,
      p.kategori && d.u ? el('span', { class: 'ket', id: 'kop-rubrik-utama', text: 'menurut rubrik ' + namaRubrik(d.u[0]) + ', tahun buku ' + d.u[1] }) : null,
      peringatan(p.peringatan),
      el('a', { href: 'direktori.html#w=' + encodeURIComponent(kab), text: '← Direktori ' + (p.kab || '') })
    ]);
    var f = [['NIK', p.nik], ['Nomor badan hukum', p.nbh], ['Tanggal badan hukum', P.tanggal(p.tbh)], ['Jenis', p.jenis], ['Kelompok', p.kelompok],
      ['Bentuk', p.bentuk], ['Sektor usaha', p.sektor], ['Desa/kelurahan', p.desa], ['Kecamatan', p.kecamatan], ['Kabupaten/kota', p.kab], ['Provinsi', p.prov]];
    if (!publik) f.push(['Alamat', p.alamat], ['Ketua', p.ketua], ['Telepon', p.telepon]);
    f.push(['RAT terakhir', p.ratTahun ? 'tahun buku ' + p.ratTahun + (p.ratTanggal ? ' (' + P.tanggal(p.ratTanggal) + ')' : '') : '–']);
    if (p.bubar) f.push(['Tanggal pembubaran', P.tanggal(p.bubar)]);
    var dl = el('dl', { class: 'profil' });
    f.forEach(function (x) { dl.appendChild(el('div', null, [el('dt', { text: x[0] }), el('dd', { text: x[1] === null || x[1] === undefined || x[1] === '' ? '–' : String(x[1]) })])); });
    var grid = el('section', { class: 'panel-panel' });
    grid.appendChild(panel('Profil dan status', p.alasan ? 'Status ' + (LABEL_STATUS[status] || status) + ' per ' + P.tanggal(p.per) + ': ' + p.alasan : '', [kepala, dl], true));
    box.appendChild(grid);

    // yearly figures
    var T = d.t || [];
    var tk = [{ Label: 'Tahun buku', Tipe: 'teks' }, { Label: 'Anggota', Tipe: 'angka' }, { Label: 'Modal sendiri (Rp)', Tipe: 'rp' }, { Label: 'Modal luar (Rp)', Tipe: 'rp' },
      { Label: 'Total aset (Rp)', Tipe: 'rp' }, { Label: 'Volume usaha (Rp)', Tipe: 'rp' }, { Label: 'SHU (Rp)', Tipe: 'rp' }, { Label: 'Tanggal RAT', Tipe: 'tanggal' }];
    if (!T.length) {
      grid.appendChild(panel('Laporan tahunan', '', [el('div', { class: 'kosong', text: 'Belum ada laporan tahunan dari koperasi ini.' })], true));
    } else {
      var years = T.map(function (r) { return String(r[0]); });
      var col = function (i) { return T.map(function (r) { return r[i] === null ? null : r[i]; }); };
      var g1 = el('div', { class: 'grafik', style: 'height:320px' }), g2 = el('div', { class: 'grafik', style: 'height:320px' });
      grid.appendChild(panel('Modal, aset dan usaha per tahun buku', '', [g1], false));
      grid.appendChild(panel('Anggota per tahun buku', '', [g2], false));
      P.gambar(g1, { legend: { show: true, top: 0 }, tooltip: { trigger: 'axis' }, xAxis: [{ data: years }], yAxis: [{}],
        series: [{ type: 'bar', name: 'Modal sendiri', data: col(2) }, { type: 'bar', name: 'Total aset', data: col(4) }, { type: 'bar', name: 'Volume usaha', data: col(5) }] }, 'rp');
      P.gambar(g2, { legend: { show: false }, tooltip: { trigger: 'axis' }, xAxis: [{ data: years }], yAxis: [{}],
        series: [{ type: 'line', name: 'Anggota', data: col(1) }] }, 'angka');
      var t = el('table');
      tabel(t, tk, T);
      var pn = panel('Angka laporan tahunan', 'Laporan yang berlaku untuk tiap tahun buku.', [el('div', { class: 'gulir' }, [t])], true);
      pn.querySelector('footer').appendChild(unduhan('laporan-' + p.nik, tk, T));
      grid.appendChild(pn);
    }
    // health: the headline (badge above) uses one rubric (d.u); every rubric that scored the
    // cooperative has its own line in the history and its own worksheet.
    var K = d.k || [];
    if (K.length) {
      var utama = d.u ? d.u[0] : K[K.length - 1][1];
      var rubriks = [];
      K.forEach(function (r) { if (rubriks.indexOf(r[1]) < 0) rubriks.push(r[1]); });
      rubriks.sort(function (a, b) { return (a === utama ? -1 : b === utama ? 1 : 0) || (RUBRIK_SEMENTARA[a] ? 1 : 0) - (RUBRIK_SEMENTARA[b] ? 1 : 0) || (a < b ? -1 : a > b ? 1 : 0); });
      var tahunK = [];
      K.forEach(function (r) { if (tahunK.indexOf(String(r[0])) < 0) tahunK.push(String(r[0])); });
      tahunK.sort();
      var g3 = el('div', { class: 'grafik', style: 'height:300px' });
      var kk = [{ Label: 'Tahun buku', Tipe: 'teks' }, { Label: 'Rubrik', Tipe: 'teks' }, { Label: 'Skor', Tipe: 'desimal' }, { Label: 'Kategori', Tipe: 'teks' },
        { Label: 'Grade', Tipe: 'teks' }, { Label: 'Cakupan', Tipe: 'persen' }, { Label: 'Perubahan', Tipe: 'teks' }];
      var KT = K.map(function (r) { return [r[0], namaRubrik(r[1])].concat(r.slice(2)); });
      var t2 = el('table'); tabel(t2, kk, KT);
      var ph = panel('Riwayat skor kesehatan', 'Satu garis per rubrik. Kategori utama memakai rubrik ' + namaRubrik(utama) + ': ' + (RUBRIK_KET[utama] || 'rubrik yang berlaku') + '.',
        [g3, el('div', { class: 'gulir' }, [t2])], true);
      ph.querySelector('footer').appendChild(unduhan('kesehatan-' + p.nik, kk, KT));
      grid.appendChild(ph);
      P.gambar(g3, { legend: { show: true, top: 0 }, tooltip: { trigger: 'axis' }, xAxis: [{ data: tahunK }], yAxis: [{ max: 100 }],
        series: rubriks.map(function (ru) {
          return { type: 'line', name: namaRubrik(ru), connectNulls: true, data: tahunK.map(function (y) {
            var r = K.filter(function (x) { return String(x[0]) === y && x[1] === ru; })[0];
            return r && r[2] !== null ? r[2] : null;
          }) };
        }) }, 'desimal');
      var I = d.i || [];
      var ik = [{ Label: 'Aspek', Tipe: 'teks' }, { Label: 'Indikator', Tipe: 'teks' }, { Label: 'Nilai', Tipe: 'desimal' }, { Label: 'Rentang (band)', Tipe: 'teks' },
        { Label: 'Skor', Tipe: 'desimal' }, { Label: 'Bobot', Tipe: 'desimal' }, { Label: 'Dinilai', Tipe: 'teks' }, { Label: 'Input hilang', Tipe: 'teks' }];
      rubriks.forEach(function (ru) {
        var rows = I.filter(function (r) { return r[2] === ru; });
        var th = rows.length ? rows[0][3] : K.filter(function (x) { return x[1] === ru; }).map(function (x) { return x[0]; }).pop();
        var hasil = K.filter(function (x) { return x[1] === ru && x[0] === th; })[0];
        var IR = rows.map(function (r) { return [r[0], r[1]].concat(r.slice(4)); });
        var t3 = el('table', { class: 'lembar-kerja', 'data-rubrik': ru });
        if (IR.length) tabel(t3, ik, IR);
        var ket = 'Tahun buku ' + th + (hasil ? ': skor ' + (hasil[2] === null ? '–' : P.angka(hasil[2], 2)) + ', ' + hasil[3] + (hasil[4] ? ' (' + hasil[4] + ')' : '') : '') + '. ' +
          (ru === utama ? 'Rubrik kategori utama. ' : 'Pembanding; bukan kategori utama. ') + (RUBRIK_KET[ru] ? 'Ini ' + RUBRIK_KET[ru] + '. ' : '') +
          'Indikator tanpa data: tidak dinilai (bukan nol).';
        var pi = panel('Lembar kerja penilaian · rubrik ' + namaRubrik(ru), ket,
          [IR.length ? el('div', { class: 'gulir penuh' }, [t3]) : el('div', { class: 'kosong', text: 'Rincian indikator belum tersedia.' })], true);
        if (IR.length) pi.querySelector('footer').appendChild(unduhan('penilaian-' + ru + '-' + p.nik, ik, IR));
        grid.appendChild(pi);
      });
    } else {
      grid.appendChild(panel('Kesehatan', '', [el('div', { class: 'kosong', text: 'Koperasi ini belum dinilai kesehatannya.' })], true));
    }
  }
  // A profile's follow-up cases live apart from it, in data/kasus/<kab>.js (ks in the region's
  // data/kop file says there is one), so that a server can keep them from a role that may not see
  // follow-up: it refuses that file, and the panel says the cases cannot be shown.
  function kasusKoperasi(box, nik, kab, ada, selesai) {
    var grid = box.querySelector('.panel-panel');
    var ck = [{ Label: 'No. kasus', Tipe: 'teks' }, { Label: 'Alasan', Tipe: 'teks' }, { Label: 'Status', Tipe: 'teks' }, { Label: 'Prioritas', Tipe: 'teks' },
      { Label: 'Petugas', Tipe: 'teks' }, { Label: 'Dibuat', Tipe: 'tanggal' }, { Label: 'Jatuh tempo', Tipe: 'tanggal' }];
    function tampil(C, pesan) {
      var t4 = el('table', { id: 'kop-kasus' });
      if (C.length) tabel(t4, ck, C);
      grid.appendChild(panel('Kasus tindak lanjut', '', [C.length ? el('div', { class: 'gulir' }, [t4]) : el('div', { class: 'kosong', id: 'kop-kasus-kosong', text: pesan })], true));
      selesai();
    }
    if (!ada) { tampil([], 'Tidak ada kasus tindak lanjut untuk koperasi ini.'); return; }
    P.muat('kasus', kab, function (err, semua) {
      if (err) { tampil([], 'Kasus tindak lanjut tidak dapat ditampilkan: hanya peran yang boleh melihat tindak lanjut yang dapat membukanya.'); return; }
      tampil((semua && semua[nik]) || [], 'Tidak ada kasus tindak lanjut untuk koperasi ini.');
    });
  }

  // ---- start -------------------------------------------------------------------------------------
  window.addEventListener('error', function (e) { galat('Terjadi galat di halaman ini: ' + (e.message || e)); });
  function mulai() {
    gambarSemua();
    var h = document.body.getAttribute('data-halaman');
    if (h === 'wilayah') wilayah();
    if (document.getElementById('direktori')) direktori();
    else if (document.getElementById('koperasi')) koperasi();
    else siap();
  }
  document.addEventListener('DOMContentLoaded', function () {
    if (typeof echarts === 'undefined') { galat('ECharts tidak termuat (assets/echarts.min.js hilang).'); return; }
    // Charts measure their labels when drawn: draw once the bundled Inter is loaded, or labels
    // measured in a fallback font are clipped when Inter arrives.
    var sekali = false, go = function () { if (!sekali) { sekali = true; mulai(); } };
    if (document.fonts && document.fonts.load) {
      Promise.all([document.fonts.load('400 12px Inter'), document.fonts.load('600 12px Inter')]).then(go, go);
      setTimeout(go, 3000);
    } else go();
  });
})();
