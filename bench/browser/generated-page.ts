// A generated shop page with about `elements` DOM elements: cards with a title, text, a list,
// a price, a button and an input, the shape of a product listing a customer co-browses on.
/** article, header, h3, small, p, em, ul, 6 × (li, span, b), footer, span, button, label, input. */
const ELEMENTS_PER_CARD = 30;

function card(i: number): string {
  const items = Array.from({ length: 6 }, (_, j) => `<li><span class="k">Feature ${j}</span> <b>${(i * 7 + j) % 97}</b></li>`).join('');
  return (
    `<article class="card" id="c${i}"><header><h3>Product ${i}</h3><small>SKU ${100000 + i}</small></header>` +
    `<p>Item ${i} is a sturdy thing with <em>several</em> options.</p><ul>${items}</ul>` +
    `<footer><span class="price">${(i % 500) + 0.99}</span><button type="button">Add</button>` +
    `<label>Qty <input name="q${i}" value="1"></label></footer></article>`
  );
}

/** With `snippet`, the page loads the co-browse snippet the way demo/site pages do ({{COBROWSE_SERVER}} is filled in by the site server). */
export function generatedPageHtml(elements: number, snippet: boolean): string {
  const cards = Math.ceil(elements / ELEMENTS_PER_CARD);
  const body = Array.from({ length: cards }, (_, i) => card(i)).join('\n');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Generated shop</title>` +
    `<style>.card{display:inline-block;width:220px;margin:4px;padding:4px;border:1px solid #ccc}.sel{outline:2px solid #06c}</style>` +
    `</head><body><main id="list">${body}</main>` +
    (snippet ? `<script src="{{COBROWSE_SERVER}}/cobrowse/snippet.js" data-server="{{COBROWSE_SERVER}}" async></script>` : '') +
    `</body></html>`
  );
}
