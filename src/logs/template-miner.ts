import { maskVariables, WILDCARD } from './mask.js';

// Online log template mining with bounded memory. Each message is masked (mask.ts), split into
// tokens on whitespace and routed through a fixed-depth prefix tree: the first level is the token
// count, the next `depth - 2` levels are the leading tokens, and a leaf holds the clusters
// (templates) of that route. In the leaf the message joins the most similar template when the
// share of equal tokens reaches the similarity threshold; the template then generalizes every
// position where the two differ to the wildcard. Otherwise the message starts a new template.
//
// Memory is bounded by three caps. Tree nodes and templates are only created together, so both
// are limited by `maxTemplates`:
// - a node has at most `maxChildren` children; further tokens share the node's wildcard child;
// - a leaf holds at most `maxTemplatesPerLeaf` templates, and the whole miner `maxTemplates`;
// - when a new template is not allowed, the message is merged into the most similar template of
//   its leaf regardless of the threshold (the leaf's templates already share the token count and
//   leading tokens, so the merge only widens wildcards). When even the leaf is missing, the
//   message goes to one overflow template, `<*>`, created at the first such message.
// Templates are never evicted: lines already assigned keep a valid template id, and ids stay
// stable for the whole run (assigned in order of first appearance, from 1).

export interface MinerOptions {
  /** Depth of the prefix tree including the length level and the leaf; 4 routes on 2 tokens. */
  depth?: number;
  /** Share of equal tokens, in (0, 1], needed to join a template. */
  similarity?: number;
  maxChildren?: number;
  maxTemplatesPerLeaf?: number;
  maxTemplates?: number;
}

/**
 * Defaults. Depth 4 routes on the two leading tokens, which after masking are almost always the
 * constant start of a statement. A similarity of 0.5 is stricter than the 0.4 common for Drain
 * without masking, because after masking the remaining differences are mostly constant words.
 * 100 children per node is far above the distinct leading words of one application yet keeps a
 * node cheap; 64 templates per leaf bounds the linear scan per message; 5,000 templates is
 * more than real services produce and keeps the miner under a few MB.
 */
export const DEFAULT_MINER_OPTIONS: Required<MinerOptions> = {
  depth: 4,
  similarity: 0.5,
  maxChildren: 100,
  maxTemplatesPerLeaf: 64,
  maxTemplates: 5000,
};

/** Tokens beyond this are joined into the last one, so the length level of the tree is bounded. */
export const MAX_TOKENS = 100;

/** Longest token a template keeps; the long-token mask rule catches single tokens of this size. */
const MAX_TEMPLATE_TOKEN_CHARS = 200;

export interface MinedTemplate {
  id: number;
  template: string;
  count: number;
}

export interface MineResult {
  templateId: number;
  /** The message's text at each wildcard of the template, in order. */
  params: string[];
}

interface Cluster {
  id: number;
  tokens: string[];
  count: number;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusters: Cluster[];
}

const newNode = (): TreeNode => ({ children: new Map(), clusters: [] });

export class TemplateMiner {
  private readonly options: Required<MinerOptions>;
  private readonly root = new Map<number, TreeNode>();
  private readonly clusters: Cluster[] = [];
  private overflow: Cluster | undefined;

  constructor(options: MinerOptions = {}) {
    this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
    const { depth, similarity, maxChildren, maxTemplatesPerLeaf, maxTemplates } = this.options;
    if (!Number.isInteger(depth) || depth < 3) throw new RangeError('depth must be an integer >= 3');
    if (!(similarity > 0 && similarity <= 1)) throw new RangeError('similarity must be in (0, 1]');
    for (const [name, value] of Object.entries({ maxChildren, maxTemplatesPerLeaf, maxTemplates })) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
    }
  }

  /** Number of templates, including the overflow template once used. */
  get size(): number {
    return this.clusters.length;
  }

  add(message: string): MineResult {
    const masked = maskVariables(message);
    const tokens = tokenize(masked.text);
    const cluster = this.assign(tokens);
    return { templateId: cluster.id, params: extractParams(cluster, tokens, masked.values) };
  }

  /** As add(), returning only the template id: parameters cost a tenth of the time and are often not needed. */
  addForId(message: string): number {
    return this.assign(tokenize(maskVariables(message).text)).id;
  }

  /** The templates in id order. */
  templates(): MinedTemplate[] {
    return this.clusters.map((c) => ({ id: c.id, template: c.tokens.join(' '), count: c.count }));
  }

  private assign(tokens: string[]): Cluster {
    const leaf = this.findLeaf(tokens);
    const best = leaf ? this.mostSimilar(leaf.clusters, tokens, this.options.similarity) : undefined;
    if (best) return this.join(best, tokens);
    if (this.clusters.length < this.options.maxTemplates) {
      const target = this.leafFor(tokens);
      if (target.clusters.length < this.options.maxTemplatesPerLeaf) {
        const cluster: Cluster = { id: this.clusters.length + 1, tokens: tokens.map(ownToken), count: 1 };
        this.clusters.push(cluster);
        target.clusters.push(cluster);
        return cluster;
      }
      const forced = this.mostSimilar(target.clusters, tokens, 0);
      if (forced) return this.join(forced, tokens);
    }
    const forced = leaf ? this.mostSimilar(leaf.clusters, tokens, 0) : undefined;
    if (forced) return this.join(forced, tokens);
    if (!this.overflow) {
      this.overflow = { id: this.clusters.length + 1, tokens: [WILDCARD], count: 0 };
      this.clusters.push(this.overflow);
    }
    this.overflow.count++;
    return this.overflow;
  }

  private join(cluster: Cluster, tokens: string[]): Cluster {
    const template = cluster.tokens;
    for (let i = 0; i < template.length; i++) {
      const t = template[i] as string;
      const m = tokens[i] as string;
      if (t !== m) template[i] = generalize(t, m);
    }
    cluster.count++;
    return cluster;
  }

  /** The leaf the tokens route to without creating anything, as a lookup. */
  private findLeaf(tokens: string[]): TreeNode | undefined {
    let node = this.root.get(tokens.length);
    const levels = Math.min(this.options.depth - 2, tokens.length);
    for (let i = 0; node && i < levels; i++) {
      const token = tokens[i] as string;
      node = (isVariableToken(token) ? undefined : node.children.get(token)) ?? node.children.get(WILDCARD);
    }
    return node;
  }

  /** The leaf for a new template, creating the route; full nodes send new tokens to the wildcard. */
  private leafFor(tokens: string[]): TreeNode {
    let node: TreeNode | undefined = this.root.get(tokens.length);
    if (!node) {
      node = newNode();
      this.root.set(tokens.length, node);
    }
    const levels = Math.min(this.options.depth - 2, tokens.length);
    for (let i = 0; i < levels; i++) {
      const token = tokens[i] as string;
      let key = isVariableToken(token) ? WILDCARD : token;
      let child: TreeNode | undefined = node.children.get(key);
      if (!child && key !== WILDCARD) {
        // One slot stays free for the wildcard child, which catches everything once a node is full.
        const room = node.children.size < this.options.maxChildren - (node.children.has(WILDCARD) ? 0 : 1);
        if (!room) {
          key = WILDCARD;
          child = node.children.get(key);
        }
      }
      if (!child) {
        child = newNode();
        node.children.set(key, child);
      }
      node = child;
    }
    return node;
  }

  /**
   * The template with the highest share of equal tokens at or above `threshold`; ties go to the
   * one with more wildcards (it already covers more variation), then to the older one.
   */
  private mostSimilar(clusters: Cluster[], tokens: string[], threshold: number): Cluster | undefined {
    let best: Cluster | undefined;
    let bestScore = -1;
    let bestWildcards = -1;
    const length = tokens.length;
    for (const cluster of clusters) {
      let equal = 0;
      let wildcards = 0;
      const template = cluster.tokens;
      for (let i = 0; i < length; i++) {
        const t = template[i] as string;
        if (t === WILDCARD) wildcards++;
        else if (t === tokens[i] || matchesKeyed(t, tokens[i] as string)) equal++;
      }
      // An empty message matches the empty template fully.
      const score = length === 0 ? 1 : equal / length;
      if (score < threshold) continue;
      if (score > bestScore || (score === bestScore && wildcards > bestWildcards)) {
        best = cluster;
        bestScore = score;
        bestWildcards = wildcards;
      }
    }
    return best;
  }
}

/**
 * A template's own copy of a token. Tokens are slices of the message, and a slice can keep the
 * whole message alive; a token too long to be a constant word is stored as the wildcard.
 */
function ownToken(token: string): string {
  if (token.length > MAX_TEMPLATE_TOKEN_CHARS) return WILDCARD;
  return Buffer.from(token, 'utf8').toString('utf8');
}

/** Tokens that never route the tree by their text: they hold a masked value or a digit. */
function isVariableToken(token: string): boolean {
  return token.includes(WILDCARD) || /\d/.test(token);
}

export function tokenize(text: string): string[] {
  const tokens = text.split(/\s+/);
  if (tokens[0] === '') tokens.shift();
  if (tokens.length > 0 && tokens[tokens.length - 1] === '') tokens.pop();
  if (tokens.length > MAX_TOKENS) {
    const tail = tokens.splice(MAX_TOKENS - 1).join(' ');
    tokens.push(tail);
  }
  return tokens;
}

/**
 * The generalization of two different tokens: `key=<*>` when both set the same key (so the key
 * stays readable), else the wildcard.
 */
function generalize(template: string, token: string): string {
  if (template === WILDCARD) return WILDCARD;
  const eq = template.indexOf('=');
  if (
    eq > 0 &&
    eq < template.length - 1 &&
    token.length > eq &&
    token.startsWith(template.slice(0, eq + 1))
  ) {
    return `${template.slice(0, eq + 1)}${WILDCARD}`;
  }
  return WILDCARD;
}

/** A generalized `key=<*>` token matches any value of the same key. */
function matchesKeyed(template: string, token: string): boolean {
  if (!template.endsWith(`=${WILDCARD}`)) return false;
  const key = template.slice(0, template.length - WILDCARD.length);
  return token.startsWith(key);
}

/** Splits a template token around its wildcards, giving the constant pieces. */
function extractParams(cluster: Cluster, tokens: string[], values: string[]): string[] {
  const params: string[] = [];
  if (cluster.tokens.length !== tokens.length) {
    // Only the overflow template has another length: its one wildcard stands for the whole message.
    params.push(restore(tokens.join(' '), values, { next: 0 }));
    return params;
  }
  const cursor = { next: 0 };
  for (let i = 0; i < tokens.length; i++) {
    const t = cluster.tokens[i] as string;
    const m = tokens[i] as string;
    if (t === m) {
      // Masked values inside an unchanged token are the parameters at its own wildcards.
      for (let at = m.indexOf(WILDCARD); at !== -1; at = m.indexOf(WILDCARD, at + WILDCARD.length)) {
        params.push(values[cursor.next++] ?? WILDCARD);
      }
    } else {
      const prefix = t === WILDCARD ? '' : t.slice(0, t.length - WILDCARD.length);
      params.push(restore(m, values, cursor).slice(prefix.length));
    }
  }
  return params;
}

/** The original text of a masked token: its wildcards replaced by the next masked values. */
function restore(masked: string, values: string[], cursor: { next: number }): string {
  if (!masked.includes(WILDCARD)) return masked;
  return masked.split(WILDCARD).reduce((text, piece, i) => {
    if (i === 0) return piece;
    return text + (values[cursor.next++] ?? WILDCARD) + piece;
  }, '');
}
