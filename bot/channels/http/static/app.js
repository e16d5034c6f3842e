// jingpin web page: uses only the public API (same as any outside client). No build step, no CDN.
"use strict";

const I18N = {
  zh: { title: "“浙江制造精品”政策问答", tabAsk: "问政策", tabCheck: "资格自测", tabCatalog: "目录", tabAdmin: "管理",
    send: "发送", placeholder: "输入问题，回车发送，Shift+回车换行", question: "问题", audience: "我是", enterprise: "企业",
    buyer: "采购方", asOf: "判断日期", catalogQ: "产品、企业或需求", region: "地区", sector: "领域", year: "年度",
    search: "搜索", token: "令牌", saveToken: "使用此令牌", kind: "类型", policyDoc: "政策文件", catalogFile: "目录文件",
    docId: "文件编号（可选）", dryRun: "试运行（预览差异）", versions: "版本与回滚", audit: "审计日志", close: "关闭",
    lang: "English", sample: "示例", withdrawn: "已退出", alternatives: "替代产品", none: "没有找到相符的产品。",
    publish: "确认发布", rollback: "回滚到此版本", current: "当前", unknown: "未填", yes: "是", no: "否",
    met: "适用", not_met: "不适用", needs_info: "待确认", periodEnd: "期限截止日", thinking: "正在查找条款……",
    noToken: "请先输入令牌。", error: "出错了：", points: "要点", basis: "依据（原文）",
    c_yes: "可以", c_no: "不可以 / 不是", c_conditional: "有条件", c_not_specified: "未作具体规定",
    c_informational: "文件规定", c_needs_info: "待补充信息", c_out_of_scope: "未收录" },
  en: { title: "Zhejiang Made quality products — policy Q&A", tabAsk: "Ask", tabCheck: "Self-check", tabCatalog: "Catalog",
    tabAdmin: "Admin", send: "Send", placeholder: "Ask a question; Enter sends, Shift+Enter for a new line",
    question: "Question", audience: "I am", enterprise: "an enterprise", buyer: "a buyer", asOf: "As of",
    catalogQ: "Product, enterprise or need", region: "Region", sector: "Sector", year: "Year", search: "Search",
    token: "Token", saveToken: "Use this token", kind: "Type", policyDoc: "Policy document", catalogFile: "Catalog file",
    docId: "Document id (optional)", dryRun: "Dry run (preview diff)", versions: "Versions & rollback", audit: "Audit log",
    close: "Close", lang: "中文", sample: "sample", withdrawn: "withdrawn", alternatives: "Alternatives",
    none: "No matching products.", publish: "Publish", rollback: "Roll back to this version", current: "current",
    unknown: "unknown", yes: "yes", no: "no", met: "applies", not_met: "does not apply", needs_info: "needs information",
    periodEnd: "Period ends", thinking: "Looking up the clauses…", noToken: "Enter a token first.", error: "Error: ",
    points: "Key points", basis: "Basis (verbatim)", c_yes: "Yes", c_no: "No", c_conditional: "Conditional",
    c_not_specified: "Not specified", c_informational: "What the policy says", c_needs_info: "Needs information",
    c_out_of_scope: "Not covered" },
};
const EXAMPLES = {
  zh: ["进了目录的产品投标能视同有业绩吗？", "参加省级政府组织的展会，展位费有资助吗？", "有没有可以替代进口高压变频器的目录产品？",
       "天喜厨电的集成灶在目录里吗？"],
  en: ["Can government buyers exclude catalogue products from tenders?", "Is there support for exhibition booth fees?"],
};
let lang = localStorage.getItem("jingpin-lang") || "zh";
const t = (key) => I18N[lang][key] || key;
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`);
  return body;
}
const postJSON = (path, data) => api(path, { method: "POST", headers: { "content-type": "application/json" },
  body: JSON.stringify(data) });

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((n) => { n.placeholder = t(n.dataset.i18nPlaceholder); });
  $("#lang").textContent = t("lang");
  $("#examples").replaceChildren(...EXAMPLES[lang].map((q) => el("button", { type: "button", onclick: () => ask(q) }, q)));
}

// --- tabs -------------------------------------------------------------------------------------
function selectTab(tab) {
  document.querySelectorAll("[role=tab]").forEach((b) => {
    const on = b === tab;
    b.setAttribute("aria-selected", String(on));
    b.tabIndex = on ? 0 : -1;
    $(`#${b.getAttribute("aria-controls")}`).hidden = !on;
  });
  if (tab.id === "tab-check") loadFacts();
}
document.querySelectorAll("[role=tab]").forEach((b, i, all) => {
  b.addEventListener("click", () => selectTab(b));
  b.addEventListener("keydown", (e) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (step) { const next = all[(i + step + all.length) % all.length]; selectTab(next); next.focus(); }
  });
});

// --- clause dialog ----------------------------------------------------------------------------
async function openClause(citation) {
  const clause = await api(`/v1/clauses/${encodeURIComponent(citation.doc_id)}/${encodeURIComponent(citation.clause_id)}`);
  $("#clause-title").textContent = `〔${clause.label}〕${clause.heading || ""}`;
  $("#clause-meta").textContent = `《${clause.doc_title}》${clause.doc_number}`;
  const text = clause.text, quote = citation.quote || "", at = quote ? text.indexOf(quote) : -1;
  $("#clause-text").replaceChildren(...(at < 0 ? [text]
    : [text.slice(0, at), el("mark", {}, quote), text.slice(at + quote.length)]));
  $("#clause-dialog").showModal();
}

function withCitationLinks(text, citations) {
  const byLabel = new Map(citations.filter((c) => c.kind !== "catalog").map((c) => [c.label, c]));
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(/〔([^〔〕]+)〕/g)) {
    const citation = byLabel.get(m[1]);
    if (!citation) continue;
    parts.push(text.slice(last, m.index));
    parts.push(el("button", { type: "button", class: "cite", "aria-label": `查看原文 ${m[1]}`,
      onclick: () => openClause(citation) }, m[0]));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

// A clause answer as structure: conclusion badge and sentence, the points, then one card per cited
// clause (quote, document, 文号) that opens the clause. Verdict and catalog answers keep their text.
function structuredAnswer(body) {
  const clauses = body.citations.filter((c) => c.kind !== "catalog");
  const byClause = new Map(clauses.map((c) => [`${c.doc_id}|${c.clause_id}`, c]));
  const cite = (c) => el("button", { type: "button", class: "cite", "aria-label": `查看原文 ${c.label}`,
    onclick: () => openClause(c) }, `〔${c.label}〕`);
  const head = el("p", { class: "lead" }, el("span", { class: `badge ${body.conclusion}` }, t(`c_${body.conclusion}`)),
    " ", body.lead, clauses.length ? cite(clauses[0]) : null);
  const points = el("ul", { class: "points" }, body.points.map((p) => {
    const c = byClause.get(`${p.doc_id}|${p.clause_id}`);
    return el("li", {}, p.text, c ? cite(c) : `〔${p.label}〕`);
  }));
  const cards = el("div", { class: "sources" }, clauses.map((c) => el("button", { type: "button", class: "source",
    "aria-label": `查看原文 ${c.label}`, onclick: () => openClause(c) },
    el("strong", {}, `〔${c.label}〕`), el("q", {}, c.quote), el("small", {}, `《${c.doc_title}》${c.doc_number}`))));
  return [head, el("h4", {}, t("points")), points, el("h4", {}, t("basis")), cards];
}

function productCard(p, withAlternatives = true) {
  const tags = [p.is_sample ? el("span", { class: "tag" }, t("sample")) : null,
    p.status === "withdrawn" ? el("span", { class: "tag withdrawn" }, t("withdrawn")) : null];
  const card = el("article", { class: "card" }, el("h3", {}, ...tags, p.product_name),
    el("div", {}, p.enterprise), el("div", {}, [p.region, p.sector, p.batch_year || p.certified_on].filter(Boolean).join(" · ")));
  if (withAlternatives) {
    const box = el("div");
    card.append(el("button", { type: "button", onclick: async () => {
      const alts = await api(`/v1/catalog/${encodeURIComponent(p.product_id)}/alternatives`);
      box.replaceChildren(alts.length ? el("div", { class: "cards" }, alts.map((a) => productCard(a, false))) : t("none"));
    } }, t("alternatives")), box);
  }
  return card;
}

// --- ask --------------------------------------------------------------------------------------
const sessionId = sessionStorage.getItem("jingpin-session") || crypto.randomUUID();
sessionStorage.setItem("jingpin-session", sessionId);
async function ask(question) {
  question = question.trim();
  if (!question) return;
  $("#log").append(el("div", { class: "msg user" }, question));
  const pending = el("div", { class: "msg" }, t("thinking"));
  $("#log").append(pending);
  try {
    const body = await postJSON("/v1/ask", { question, session_id: sessionId });
    pending.replaceChildren(...(body.composer !== "llm" && body.lead && body.points.length ? structuredAnswer(body)
      : withCitationLinks(body.answer, body.citations)));
    pending.dataset.conclusion = body.conclusion;
    if (body.products.length) pending.append(el("div", { class: "cards" }, body.products.map((p) => productCard(p))));
  } catch (err) { pending.replaceChildren(el("span", { class: "error" }, t("error") + err.message)); }
  pending.scrollIntoView({ block: "nearest" });
}
$("#ask-form").addEventListener("submit", (e) => { e.preventDefault(); ask($("#question").value); $("#question").value = ""; });
$("#question").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("#ask-form").requestSubmit(); }
});

// --- self-check -------------------------------------------------------------------------------
let facts = null;
async function loadFacts() {
  if (!facts) facts = (await api("/v1/facts")).facts;
  renderFactFields();
}
function renderFactFields() {
  const audience = $("#audience").value;
  const fields = facts.filter((f) => f.audiences.includes(audience)).map((f) => {
    let input;
    if (f.kind === "bool" || f.kind === "enum") {
      const options = f.kind === "bool" ? [["true", t("yes")], ["false", t("no")]] : f.values.map((v) => [v, v]);
      input = el("select", { name: f.name }, el("option", { value: "" }, t("unknown")),
        options.map(([v, label]) => el("option", { value: v }, label)));
    } else {
      const numeric = f.kind === "int" || f.kind === "number";  // number: amounts and shares may have decimals
      input = el("input", { name: f.name, type: f.kind === "date" ? "date" : numeric ? "number" : "text",
        ...(numeric ? { step: f.kind === "int" ? "1" : "any", inputmode: f.kind === "int" ? "numeric" : "decimal" } : {}) });
    }
    return el("label", {}, el("span", {}, f.label), input);
  });
  $("#fact-fields").replaceChildren(...fields);
  runCheck();
}
async function runCheck() {
  const profile = {};
  $("#fact-fields").querySelectorAll("[name]").forEach((n) => { if (n.value !== "") profile[n.name] = n.value; });
  const body = { profile, audience: $("#audience").value };
  if ($("#as-of").value) body.as_of = $("#as-of").value;
  try {
    const result = await postJSON("/v1/eligibility", body);
    $("#verdicts").replaceChildren(...result.verdicts.map((v) => el("div", { class: `verdict ${v.status}` },
      el("div", {}, el("span", { class: "status" }, `${t(v.status)}　`), v.title, " ",
        v.citations.map((c) => el("button", { type: "button", class: "cite", onclick: () => openClause(c) }, `〔${c.label}〕`))),
      el("div", {}, v.explanation),
      Object.entries(v.computed).map(([, end]) => el("div", {}, `${t("periodEnd")}：${end}`)))));
  } catch (err) { $("#verdicts").replaceChildren(el("p", { class: "error" }, t("error") + err.message)); }
}
$("#audience").addEventListener("change", renderFactFields);
$("#check-form").addEventListener("change", (e) => { if (e.target.id !== "audience") runCheck(); });

// --- catalog ----------------------------------------------------------------------------------
$("#catalog-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const params = new URLSearchParams({ q: $("#catalog-q").value, limit: "20" });
  for (const [key, id] of [["region", "#catalog-region"], ["sector", "#catalog-sector"], ["year", "#catalog-year"]]) {
    if ($(id).value) params.set(key, $(id).value);
  }
  try {
    const page = await api(`/v1/catalog/search?${params}`);
    $("#catalog-results").replaceChildren(page.items.length
      ? el("div", { class: "cards" }, page.items.map((p) => productCard(p))) : t("none"));
  } catch (err) { $("#catalog-results").replaceChildren(el("p", { class: "error" }, t("error") + err.message)); }
});

// --- admin ------------------------------------------------------------------------------------
const token = () => sessionStorage.getItem("jingpin-token") || "";
const authed = (path, options = {}) => api(path, { ...options, headers: { ...(options.headers || {}),
  Authorization: `Bearer ${token()}` } });
$("#token-form").addEventListener("submit", (e) => { e.preventDefault(); sessionStorage.setItem("jingpin-token", $("#token").value.trim()); });

function uploadBody(dryRun) {
  const form = new FormData();
  form.append("file", $("#upload-file").files[0]);
  form.append("dry_run", String(dryRun));
  if ($("#upload-kind").value === "document" && $("#upload-doc-id").value) form.append("doc_id", $("#upload-doc-id").value);
  return form;
}
function uploadPath() { return $("#upload-kind").value === "document" ? "/v1/admin/documents" : "/v1/admin/catalog/import"; }
function showDiff(result) {
  if (result.summary) return el("pre", {}, result.summary);
  const rows = [["+", result.added], ["−", result.removed]].flatMap(([sign, list]) =>
    list.map((c) => el("tr", {}, el("td", {}, sign), el("td", {}, c.clause_id), el("td", {}, c.text))));
  const changed = result.changed.map((c) => el("tr", {}, el("td", {}, "~"), el("td", {}, c.clause_id),
    el("td", {}, el("del", {}, c.old), el("br"), el("ins", {}, c.new))));
  return el("div", {}, el("p", {}, `${result.title} ${result.doc_number} [${result.doc_id}]：+${result.added.length} −${result.removed.length} ~${result.changed.length}`),
    el("table", {}, rows, changed), result.warnings.map((w) => el("p", {}, w)));
}
$("#upload-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("#admin-result");
  if (!token()) return out.replaceChildren(el("p", { class: "error" }, t("noToken")));
  if (!$("#upload-file").files.length) return;
  try {
    const dry = await authed(uploadPath(), { method: "POST", body: uploadBody(true) });
    out.replaceChildren(showDiff(dry), el("button", { type: "button", onclick: async () => {
      try { out.replaceChildren(showDiff(await authed(uploadPath(), { method: "POST", body: uploadBody(false) }))); }
      catch (err) { out.append(el("p", { class: "error" }, t("error") + err.message)); }
    } }, t("publish")));
  } catch (err) { out.replaceChildren(el("p", { class: "error" }, t("error") + err.message)); }
});
$("#load-versions").addEventListener("click", async () => {
  try {
    const data = await authed("/v1/admin/versions");
    $("#admin-lists").replaceChildren(el("table", {}, data.versions.map((v) => el("tr", {},
      el("td", {}, `v${v.version}${v.published ? `（${t("current")}）` : ""}`), el("td", {}, v.documents.join(", ")),
      el("td", {}, v.published ? "" : el("button", { type: "button", onclick: async () => {
        try { await postAuthed("/v1/admin/rollback", { version: v.version }); $("#load-versions").click(); }
        catch (err) { $("#admin-lists").append(el("p", { class: "error" }, t("error") + err.message)); }
      } }, t("rollback")))))));
  } catch (err) { $("#admin-lists").replaceChildren(el("p", { class: "error" }, t("error") + err.message)); }
});
const postAuthed = (path, data) => authed(path, { method: "POST", headers: { "content-type": "application/json" },
  body: JSON.stringify(data) });
$("#load-audit").addEventListener("click", async () => {
  try {
    const data = await authed("/v1/admin/audit?limit=50");
    $("#admin-lists").replaceChildren(el("table", {}, data.entries.map((a) => el("tr", {}, el("td", {}, a.at),
      el("td", {}, a.actor), el("td", {}, a.action), el("td", {}, a.target),
      el("td", {}, `${a.version_before ?? ""} → ${a.version_after ?? ""}`)))));
  } catch (err) { $("#admin-lists").replaceChildren(el("p", { class: "error" }, t("error") + err.message)); }
});

$("#lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("jingpin-lang", lang); applyLanguage(); });
applyLanguage();
$("#token").value = token();
