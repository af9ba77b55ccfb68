import { crc32 } from "../lib/encoding";

/** The dashboard's only stylesheet, served by the Worker under a name that changes with its content. */
export const DASHBOARD_CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c1f24;background:#f6f7f9}
a{color:#1f5fbf}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
header{background:#18202c;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a{color:#fff}header .org{font-weight:600;margin-right:auto}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .75rem}
nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
main{max-width:64rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.card{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:1rem;margin:0 0 1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem}
.stat b{display:block;font-size:1.4rem}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
.scroll{overflow-x:auto}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input,select,textarea{font:inherit;padding:.45rem .5rem;border:1px solid #8a94a3;border-radius:6px;width:100%;max-width:28rem;background:#fff}
input[type=checkbox]{width:auto}fieldset{border:1px solid #d9dde3;border-radius:6px;margin:.5rem 0}
.check{font-weight:400;display:inline-flex;gap:.35rem;margin-right:1rem}
button{font:inherit;padding:.45rem .9rem;border-radius:6px;border:1px solid #1f5fbf;background:#1f5fbf;color:#fff;cursor:pointer;margin-top:.5rem}
button.secondary{background:#fff;color:#1f5fbf}button.danger{background:#b3261e;border-color:#b3261e}
form.inline{display:inline}form.inline button{margin:0}
.notice{padding:.75rem 1rem;border-radius:6px;margin:0 0 1rem;background:#e8f1fd;border:1px solid #9cc0f0}
.error{background:#fdecea;border-color:#f0a39c}.secret{font-family:ui-monospace,monospace;word-break:break-all;background:#fff8e1;padding:.5rem;border:1px dashed #c9a227}
.muted{color:#5b6470}.chart svg{width:100%;height:auto;display:block}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 .8rem;vertical-align:middle}
.bar-req{fill:#1f5fbf}.bar-ai{fill:#e07b00}.legend .bar-req{background:#1f5fbf}.legend .bar-ai{background:#e07b00}
.seg{margin:.25rem 0}.seg time{color:#5b6470;font-variant-numeric:tabular-nums;margin-right:.5rem}
.player{width:100%;max-height:60vh;background:#000;border-radius:6px}dl.card{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dd{margin:0;overflow-wrap:anywhere}
form.grid{align-items:end}
@media (max-width:40rem){main{padding:.5rem}th,td{padding:.3rem}}
`;

export const STYLESHEET_PATH = `/dashboard/assets/dashboard-${crc32(DASHBOARD_CSS).toString(16)}.css`;
