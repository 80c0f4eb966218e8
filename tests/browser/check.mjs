// Opens lexproof's HTML outputs in headless Chromium and checks them as a reader would use them:
// the tree renders, expanding a node shows its premises, search finds things, the graph links to
// the tree, nothing is fetched from the network, no script error is logged, and no value from the
// facts ran as script.
//
//   node check.mjs proof  PAGE.html SEARCH_TERM [--screenshot OUT.png]
//   node check.mjs report PAGE.html SEARCH_TERM [--screenshot OUT.png]
//   node check.mjs xss    PAGE.html PAYLOAD
//   node check.mjs timeline PAGE.html ROW_LABEL
//   node check.mjs diff   PAGE.html SEARCH_TERM
import { launch } from './chromium.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, pagePath, term, ...rest] = process.argv.slice(2);
if (!['proof', 'report', 'xss', 'timeline', 'diff'].includes(mode) || !pagePath || term === undefined) {
  console.error('usage: node check.mjs proof|report|xss|timeline|diff PAGE.html TERM [--screenshot OUT.png]');
  process.exit(2);
}
const shotAt = rest.indexOf('--screenshot');
const screenshot = shotAt >= 0 ? rest[shotAt + 1] : null;

const failures = [];
const check = (ok, what) => { if (!ok) { failures.push(what); } };

const profile = mkdtempSync(join(tmpdir(), 'lexproof-chromium-'));
const context = await launch(profile);
try {
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(5000);
  const errors = [];
  const dialogs = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') { errors.push(m.text()); } });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  page.on('request', (r) => { if (!r.url().startsWith('file:')) { requests.push(r.url()); } });

  await page.goto(pathToFileURL(resolve(pagePath)).href, { waitUntil: 'load' });
  await page.waitForTimeout(200);

  if (mode === 'timeline') {
    // The picture: bars, marks and the as-of line are drawn, each with a tooltip naming a rule.
    const bars = await page.locator('svg.timeline rect.bar').count();
    const marks = await page.locator('svg.timeline rect.mark').count();
    check(bars > 0, `the timeline draws ${bars} bar(s)`);
    check(marks > 0, `the timeline draws ${marks} mark(s)`);
    check(await page.locator('svg.timeline line.as-of').count() === 1, 'the as-of line is missing');
    const tip = await page.locator('svg.timeline rect.mark title').first().textContent();
    check(/\[[a-z0-9_]+: .*Art\./.test(tip || ''), `a mark's tooltip names no rule and citation: ${tip}`);
    const box = await page.locator('svg.timeline rect.bar').first().boundingBox();
    check(box !== null && box.width >= 2, 'a bar is not visible');
    const rows = await page.locator('table.timeline-rows tr').allTextContents();
    check(rows.some((r) => r.includes(term)), `no row is labelled ${term}`);
    // Following a mark's link lands on the rule behind it, which says what it does.
    const link = page.locator('svg.timeline a').first();
    const href = await link.getAttribute('href');
    await link.click();
    await page.waitForTimeout(100);
    check(href !== null && (await page.evaluate(() => window.location.hash)) === href, `clicking a mark did not go to ${href}`);
    const target = href ? page.locator(`[id="${href.slice(1)}"]`) : null;
    check(target !== null && await target.count() === 1 && await target.isVisible(), `the rule ${href} is not on the page`);
  } else if (mode === 'diff') {
    // Changes grouped in sections; an added conclusion's proof is folded until opened.
    check(await page.locator('section.relation').count() > 0, 'the diff has no relation sections');
    const added = page.locator('li.change.added').first();
    check(await added.count() === 1, 'the diff shows no added conclusion');
    const proof = added.locator('details.change-proof');
    const root = proof.locator('ul.tree > li').first();
    check(!(await root.isVisible()), 'a proof is visible before it is opened');
    await proof.locator(':scope > summary').click();
    check(await root.isVisible(), 'opening an added conclusion did not show its proof tree');
    check(await page.locator('li.change.removed p.why-not').count() > 0, 'no removed conclusion says why not');
    // A removed conclusion keeps the baseline's proof, folded the same way.
    const before = page.locator('li.change.removed details.before').first();
    if (await before.count() === 1) {
      const broot = before.locator('ul.tree > li').first();
      check(!(await broot.isVisible()), 'a baseline proof is visible before it is opened');
      await before.locator(':scope > summary').click();
      check(await broot.isVisible(), 'opening a removed conclusion did not show the proof it had before');
    }
    // Search finds the changes themselves and the atoms in their proofs.
    await page.fill('#search', term);
    await page.waitForTimeout(100);
    const count = await page.textContent('#search-count');
    check(/^[1-9][0-9]* match/.test(count || ''), `search for "${term}" reported "${count}"`);
    check(await page.locator('li.change.match').count() > 0, `no change matches "${term}"`);
  } else if (mode === 'xss') {
    const injected = await page.evaluate(() => document.querySelectorAll('img, iframe, object, embed').length);
    check(injected === 0, `the page grew ${injected} element(s) from a value: markup was not escaped`);
    const text = await page.evaluate(() => document.body.textContent);
    check(text.includes(term), `the value ${term} is not shown as text`);
    await page.click('#expand-all');
    await page.waitForTimeout(200);
  } else {
    if (mode === 'report') {
      // Proofs sit under one collapsed "Why ... binds" per duty: open the first.
      const why = page.locator('details.duty-proof').first();
      const root = why.locator('ul.tree > li').first();
      check(!(await root.isVisible()), 'a duty proof is visible before it is opened');
      await why.locator(':scope > summary').click();
      check(await root.isVisible(), 'opening a duty proof did not show its proof tree');
    }
    const nodes = await page.locator('li.pnode').count();
    check(nodes > 1, `the tree has ${nodes} node(s)`);
    // A collapsed node: its premises (or alternatives) are hidden until it is expanded.
    const closedId = await page.evaluate(() => {
      const all = Array.from(document.querySelectorAll('li.pnode > details:not([open])'));
      const seen = all.find((d) => d.querySelector(':scope > summary').checkVisibility());
      return seen ? seen.parentElement.id : null;
    });
    check(closedId !== null, 'no collapsed node to expand');
    if (closedId !== null) {
      const details = page.locator(`[id="${closedId}"] > details`);
      const premise = details.locator(':scope > ul > li').first();
      check(!(await premise.isVisible()), 'a premise of a collapsed node is visible');
      await details.locator(':scope > summary').click();
      check(await premise.isVisible(), 'expanding a node did not show its premises');
    }
    const info = page.locator('li.pnode.derived > details[open] > .info').first();
    const infoText = (await info.count()) ? await info.textContent() : '';
    check(/Source/.test(infoText) && /Authority/.test(infoText) && /Rule/.test(infoText),
      'an expanded node does not show its source, authority and rule');
    // Search finds the term and reveals the match.
    await page.fill('#search', term);
    await page.waitForTimeout(100);
    const count = await page.textContent('#search-count');
    check(/^[1-9][0-9]* match/.test(count || ''), `search for "${term}" reported "${count}"`);
    const firstHit = page.locator('li.pnode.match').first();
    check(await firstHit.count() === 1 && await firstHit.isVisible(), 'the first search match is not visible');
    await page.fill('#search', '');
    if (mode === 'proof') {
      const gnodes = await page.locator('svg .gnode').count();
      check(gnodes > 1, `the graph has ${gnodes} node(s)`);
      await page.click('#collapse-all');
      const last = page.locator('svg .gnode[data-target]').last();
      const target = await last.getAttribute('data-target');
      await last.click();
      await page.waitForTimeout(100);
      check(await page.locator(`#${target}`).isVisible(), 'clicking a graph node did not reveal it in the tree');
    } else {
      const sections = await page.locator('section.actor').count();
      check(sections > 0, 'the report has no actor sections');
    }
  }
  if (screenshot) {
    await page.click('#collapse-all');
    if (mode === 'report') {
      await page.locator('details.duty-proof > summary').first().click();
    }
    await page.locator('ul.tree > li > details > summary >> visible=true').first().click();
    const next = page.locator('li.pnode.derived > details:not([open]) >> visible=true').first();
    if (await next.count()) { await next.locator(':scope > summary').click(); }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot, fullPage: false });
  }
  check(errors.length === 0, `the page logged errors: ${errors.join(' | ')}`);
  check(dialogs.length === 0, `script from the page's data ran (dialog: ${dialogs.join(' | ')})`);
  check(requests.length === 0, `the page fetched from the network: ${requests.join(' ')}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`FAIL ${mode} ${pagePath}:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`ok ${mode} ${pagePath}`);
