import * as fs from 'fs';
import * as path from 'path';

/**
 * Every link between the repository's markdown files resolves: the target file exists and, when
 * the link names an anchor, the target has a heading with that GitHub slug. README.md (rendered by
 * Construct Hub, where relative links break) links other files only through absolute GitHub URLs;
 * those are checked against the files here.
 */
const root = path.join(__dirname, '..');
const REPO_BLOB = 'https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/blob/main/';
const REPO_TREE = 'https://github.com/cdk-serverless-patterns/cdk-serverless-patterns/tree/main/';

const markdownFiles = (): string[] => {
  const files = ['README.md', 'CHANGELOG.md', 'CONTRIBUTING.md', 'SECURITY.md', path.join('packages', 'runtime', 'README.md')]
    .filter((f) => fs.existsSync(path.join(root, f)));
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f));
  return [...files, ...docs];
};

/** The text outside fenced code blocks and inline code spans, where links are links. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  // Fenced code is not a heading; inline code keeps its text in the slug.
  for (const [, text] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.*)$/gm)) {
    const base = text.replace(/`/g, '').trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    slugs.add(n === 0 ? base : `${base}-${n}`);
  }
  return slugs;
}

function slugsOf(file: string): Set<string> {
  return headingSlugs(fs.readFileSync(file, 'utf8'));
}

function linksOf(file: string): string[] {
  const text = prose(fs.readFileSync(path.join(root, file), 'utf8'));
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

/** The problem with one link, or undefined when it resolves. */
function brokenLink(from: string, link: string): string | undefined {
  let target: string;
  if (link.startsWith(REPO_BLOB) || link.startsWith(REPO_TREE)) {
    target = link.slice(REPO_BLOB.length);
  } else if (/^[a-z]+:/i.test(link)) {
    return undefined; // another site: not checked offline
  } else if (link.startsWith('#')) {
    target = path.basename(from) + link;
    target = path.join(path.dirname(from), target);
  } else {
    target = path.join(path.dirname(from), link);
  }
  const [file, anchor] = target.split('#');
  const full = path.join(root, file);
  if (!fs.existsSync(full)) return `${from}: ${link}: no file ${file}`;
  if (anchor && file.endsWith('.md') && !slugsOf(full).has(decodeURIComponent(anchor))) return `${from}: ${link}: no heading #${anchor} in ${file}`;
  return undefined;
}

test('every link in README.md, docs/ and the runtime README resolves to a file and heading', () => {
  const broken = markdownFiles().flatMap((file) => linksOf(file).map((link) => brokenLink(file, link)).filter((p) => p !== undefined));
  expect(broken).toEqual([]);
});

test('README.md links other files of the repository only by absolute URL (Construct Hub renders it alone)', () => {
  const relative = linksOf('README.md').filter((link) => !/^[a-z]+:/i.test(link) && !link.startsWith('#'));
  expect(relative).toEqual([]);
});

test('the link check itself catches a missing file and a missing anchor', () => {
  expect(brokenLink('docs/x.md', 'nope.md')).toBe('docs/x.md: nope.md: no file docs/nope.md');
  expect(brokenLink('README.md', `${REPO_BLOB}docs/sqs-worker.md#no-such-heading`)).toMatch(/no heading #no-such-heading/);
  expect(headingSlugs('# A `b` c!\n## A b c\n')).toEqual(new Set(['a-b-c', 'a-b-c-1']));
});
