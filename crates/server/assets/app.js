// counterspy web UI. Every value from the server is put in the page as
// text (textContent), never as markup.
(function () {
  "use strict";

  var csrf = null;
  var selected = null;

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (cls) {
      e.className = cls;
    }
    return e;
  }

  function request(method, path, body) {
    var init = { method: method, credentials: "same-origin", headers: {} };
    if (csrf && method !== "GET") {
      init.headers["X-CSRF-Token"] = csrf;
    }
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init);
  }

  function time(t) {
    return t ? String(t).replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
  }

  function caseLink(key) {
    var a = el("a", key);
    a.href = "/cases/" + encodeURIComponent(key);
    return a;
  }

  // ---- the case page: filters over the findings table ----
  function caseFilters() {
    var form = $("finding-filters");
    var table = $("findings-table");
    if (!form || !table) {
      return;
    }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var text = rows.map(function (r) {
      return r.textContent.toLowerCase();
    });
    function apply() {
      var min = Number(form.elements.severity.value);
      var source = form.elements.source.value;
      var org = form.elements.org.value;
      var q = form.elements.q.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (r, i) {
        var ok =
          Number(r.dataset.severity) >= min &&
          (!source || r.dataset.source === source) &&
          (!org || r.dataset.org === org) &&
          (!q || text[i].indexOf(q) >= 0);
        r.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      form.elements.count.value = shown + " of " + rows.length + " shown";
    }
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
    });
    apply();
  }

  // ---- the app page ----
  function showSignIn() {
    $("sign-in").hidden = false;
    $("workspace").hidden = true;
    $("sign-out").hidden = true;
    $("who").textContent = "";
  }

  function showWorkspace(session) {
    csrf = session.csrf;
    $("sign-in").hidden = true;
    $("workspace").hidden = false;
    $("sign-out").hidden = false;
    $("who").textContent = "signed in as " + session.name;
    loadOrganisations();
    refresh();
  }

  function nextPage() {
    var next = new URLSearchParams(location.search).get("next");
    return next && /^\/cases\/[^/]+$/.test(next) ? next : null;
  }

  function signIn(e) {
    e.preventDefault();
    var token = $("token").value.trim();
    $("sign-in-error").textContent = "";
    request("POST", "/api/session", { token: token }).then(function (r) {
      if (!r.ok) {
        $("sign-in-error").textContent =
          r.status === 401 ? "Unknown token." : "Sign-in failed (" + r.status + ").";
        return;
      }
      $("token").value = "";
      return r.json().then(function (session) {
        var next = nextPage();
        if (next) {
          location.assign(next);
        } else {
          showWorkspace(session);
        }
      });
    });
  }

  function signOut() {
    request("DELETE", "/api/session").then(function () {
      csrf = null;
      showSignIn();
    });
  }

  function loadOrganisations() {
    request("GET", "/api/organisations").then(function (r) {
      return r.ok ? r.json() : [];
    }).then(function (orgs) {
      var select = $("org");
      select.textContent = "";
      if (orgs.length === 0) {
        select.appendChild(el("option", "default")).value = "default";
      }
      orgs.forEach(function (o) {
        var opt = el("option", o.name ? o.id + " — " + o.name : o.id);
        opt.value = o.id;
        select.appendChild(opt);
      });
    });
  }

  function upload(files) {
    if (!files || files.length === 0) {
      return;
    }
    var data = new FormData();
    data.append("org", $("org").value);
    data.append("case", $("case").value);
    Array.prototype.forEach.call(files, function (f) {
      data.append("file", f, f.name);
    });
    var status = $("upload-status");
    status.textContent = "Uploading " + files.length + " file(s)…";
    request("POST", "/api/submissions", data).then(function (r) {
      if (r.status === 202) {
        return r.json().then(function (body) {
          status.textContent = "Queued " + body.submissions.length + " submission(s).";
          refresh();
        });
      }
      var wait = r.headers.get("Retry-After");
      return r.json().catch(function () {
        return {};
      }).then(function (body) {
        status.textContent = "Refused (" + r.status + "): " +
          (body.message || r.statusText) + (wait ? "; retry in " + wait + " s" : "");
      });
    }).catch(function (err) {
      status.textContent = "Upload failed: " + err;
    });
  }

  function badge(kind, value) {
    return el("span", value, kind + " " + kind + "-" + value);
  }

  function submissionRow(s) {
    var tr = document.createElement("tr");
    tr.dataset.id = s.id;
    if (s.id === selected) {
      tr.className = "selected";
    }
    tr.appendChild(el("td", time(s.received)));
    tr.appendChild(el("td", s.name, "name"));
    tr.appendChild(el("td", s.org));
    var c = el("td");
    c.appendChild(caseLink(s.case_key));
    tr.appendChild(c);
    tr.appendChild(el("td", s.kind));
    var st = el("td");
    st.appendChild(badge("state", s.status));
    tr.appendChild(st);
    var v = el("td");
    if (s.verdict) {
      v.appendChild(badge("verdict", s.verdict));
    } else if (s.error) {
      v.textContent = s.error;
    }
    tr.appendChild(v);
    tr.addEventListener("click", function () {
      showDetail(s.id);
    });
    return tr;
  }

  function showDetail(id) {
    selected = id;
    request("GET", "/api/submissions/" + encodeURIComponent(id)).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (s) {
      var box = $("detail");
      box.textContent = "";
      if (!s) {
        box.hidden = true;
        return;
      }
      box.hidden = false;
      box.appendChild(el("h3", s.name));
      var meta = el("p", "sha256 " + s.sha256 + " · " + s.size + " bytes · " +
        s.status + (s.verdict ? " · " + s.verdict : ""));
      box.appendChild(meta);
      if (s.top && s.top.length) {
        var ul = el("ul");
        s.top.forEach(function (t) {
          var li = el("li");
          li.appendChild(el("span", t.severity, "sev sev-" + t.severity));
          li.appendChild(document.createTextNode(" " + t.title + ": " + t.message));
          ul.appendChild(li);
        });
        box.appendChild(ul);
      }
      var p = el("p");
      p.appendChild(caseLink(s.case_key));
      if (s.status === "done") {
        var res = el("a", "result (JSON)");
        res.href = "/api/submissions/" + encodeURIComponent(s.id) + "/result";
        p.appendChild(document.createTextNode(" · "));
        p.appendChild(res);
      }
      box.appendChild(p);
    });
  }

  function refresh() {
    request("GET", "/api/submissions?limit=100").then(function (r) {
      if (r.status === 401) {
        showSignIn();
        return null;
      }
      return r.ok ? r.json() : null;
    }).then(function (rows) {
      if (!rows) {
        return;
      }
      var body = $("submissions-table").tBodies[0];
      body.textContent = "";
      rows.forEach(function (s) {
        body.appendChild(submissionRow(s));
      });
    });
    request("GET", "/api/cases").then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (cases) {
      if (!cases) {
        return;
      }
      var body = $("cases-table").tBodies[0];
      body.textContent = "";
      cases.forEach(function (c) {
        var tr = document.createElement("tr");
        var k = el("td");
        k.appendChild(caseLink(c.key));
        tr.appendChild(k);
        tr.appendChild(el("td", c.organisations));
        tr.appendChild(el("td", c.activities));
        tr.appendChild(el("td", c.incidents));
        tr.appendChild(el("td", c.campaigns));
        tr.appendChild(el("td", time(c.updated)));
        body.appendChild(tr);
      });
    });
  }

  function wireDrop() {
    var drop = $("drop");
    ["dragenter", "dragover"].forEach(function (t) {
      drop.addEventListener(t, function (e) {
        e.preventDefault();
        drop.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (t) {
      drop.addEventListener(t, function (e) {
        e.preventDefault();
        drop.classList.remove("over");
      });
    });
    drop.addEventListener("drop", function (e) {
      upload(e.dataTransfer.files);
    });
    $("files").addEventListener("change", function (e) {
      upload(e.target.files);
      e.target.value = "";
    });
    $("upload-form").addEventListener("submit", function (e) {
      e.preventDefault();
    });
  }

  function start() {
    if (document.body.classList.contains("case-page")) {
      caseFilters();
      return;
    }
    $("sign-in-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", signOut);
    wireDrop();
    request("GET", "/api/session").then(function (r) {
      if (!r.ok) {
        showSignIn();
        return;
      }
      return r.json().then(showWorkspace);
    });
    setInterval(function () {
      if (csrf) {
        refresh();
      }
    }, 1500);
  }

  start();
})();
