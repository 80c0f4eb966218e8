#!/usr/bin/env python3
"""Runs clingo on the same program and facts as lexproof, checks both derive the same number of
tuples in every derived relation, and times both.

    python3 bench/clingo_compare.py --lexproof BIN --facts bench/data/N [--check] [--out DIR]

clingo's integers are 32-bit, so FLOP values are scaled to floor(value / 10^18): every number in the
facts (all are FLOP) and every literal of at least 10^18 in the rules (the thresholds). Both engines
then run on the same scaled facts (written as TSV for lexproof, as ASP facts for clingo), and BIN
must be a lexproof built from the scaled rules this script writes (LEXPROOF_RULES=DIR/rules-scaled.dl,
see bench/clingo.sh), so both run the identical program on identical data. (Scaling moves a few
models across the one-third and threshold lines relative to the unscaled run; that does not matter
for comparing the engines.)

Translation (rules.dl -> ASP): declarations, `.type`, `.output` and annotations are dropped; `!atom`
becomes `not atom`; dates ("2025-08-02") become day numbers since 1970-01-01 (date + n and date
comparisons keep their meaning); symbols stay quoted strings; each derived relation gets a
`#show`. Facts come from the generator's TSV files, typed by the rules' declarations.
"""
import argparse, datetime, os, re, subprocess, sys
from decimal import Decimal

SCALE = 10**18
EPOCH = datetime.date(1970, 1, 1)
DATE = re.compile(r'^\d{4}-\d{2}-\d{2}$')


def days(s):
    return (datetime.date.fromisoformat(s) - EPOCH).days


def scale(n):
    return n // SCALE if abs(n) >= SCALE else n


def string_end(text, i):
    """Index just past the string literal that starts at text[i] (a quote), escapes skipped."""
    j = i + 1
    while j < len(text) and text[j] != '"':
        j += 2 if text[j] == '\\' else 1
    return j + 1


def strip_comments(text):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = string_end(text, i)
            out.append(text[i:j]); i = j
        elif text.startswith('//', i):
            while i < n and text[i] != '\n': i += 1
        elif text.startswith('/*', i):
            i = text.index('*/', i) + 2
        else:
            out.append(c); i += 1
    return ''.join(out)


def statements(text):
    """Top-level statements ending in '.', outside strings; directives and annotations dropped."""
    lines = [l for l in text.split('\n') if not l.lstrip().startswith('@')]
    text = '\n'.join(lines)
    stmts, cur, i, n = [], [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = string_end(text, i)
            cur.append(text[i:j]); i = j; continue
        if c == '.' and (i + 1 == n or text[i + 1].isspace()) and not ''.join(cur).lstrip().startswith('.'):
            stmts.append(''.join(cur).strip()); cur = []; i += 1; continue
        if c == '\n' and ''.join(cur).lstrip().startswith('.'):
            # `.decl` / `.type` / `.output` directives end at a line that does not continue them.
            rest = text[i + 1:].lstrip(' \t')
            so_far = ''.join(cur).rstrip()
            if not (rest.startswith('|') or so_far.endswith('|') or so_far.endswith('=')):
                stmts.append(''.join(cur).strip()); cur = []; i += 1; continue
        cur.append(c); i += 1
    if ''.join(cur).strip():
        stmts.append(''.join(cur).strip())
    return [s for s in stmts if s]


TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|<=|>=|:-|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|!=|!|[A-Za-z_][A-Za-z0-9_]*|\S')


def translate_term_tokens(stmt):
    out = []
    for t in TOKEN.findall(stmt):
        if t.startswith('"'):
            inner = t[1:-1]
            out.append(str(days(inner)) if DATE.match(inner) else t)
        elif t[0].isdigit():
            out.append(str(scale(int(Decimal(t)))))
        elif t == '!':
            out.append('not ')
        else:
            out.append(t)
    s = ' '.join(out)
    return s.replace('not  ', 'not ').replace(': -', ':-')


def parse_rules(path):
    text = strip_comments(open(path, encoding='utf-8').read())
    decls, heads, asp = {}, set(), []
    for s in statements(text):
        if s.startswith('.decl'):
            m = re.match(r'\.decl\s+(\w+)\s*\((.*)\)', s, re.S)
            fields = [f.split(':')[1].strip() for f in m.group(2).split(',') if ':' in f]
            decls[m.group(1)] = fields
        elif s.startswith('.'):
            continue
        else:
            head = s.split(':-')[0]
            name = re.match(r'\s*(\w+)', head).group(1)
            if ':-' in s:
                heads.add((name, head.count(',') + 1 if '(' in head else 0))
            asp.append(translate_term_tokens(s) + '.')
    return decls, heads, asp


def scale_flop(v):
    """Every number in the facts is FLOP: scaled whatever its size, so all share one unit."""
    return int(Decimal(v)) // SCALE


def fact_value(v, ty):
    if ty == 'number':
        return str(scale_flop(v))
    if ty == 'date':
        return str(days(v))
    v = v.replace('\\t', '\t').replace('\\n', '\n').replace('\\\\', '\\')
    return '"' + v.replace('\\', '\\\\').replace('"', '\\"') + '"'


def write_facts(facts_dir, decls, out, scaled_dir):
    """The facts as ASP (`out`) and as TSV with FLOP scaled (`scaled_dir`, for lexproof)."""
    n = 0
    os.makedirs(scaled_dir, exist_ok=True)
    with open(out, 'w', encoding='utf-8') as f:
        for name in sorted(os.listdir(facts_dir)):
            if not name.endswith('.facts'):
                continue
            rel = name[:-len('.facts')]
            types = decls[rel]
            with open(os.path.join(scaled_dir, name), 'w', encoding='utf-8') as tsv:
                for line in open(os.path.join(facts_dir, name), encoding='utf-8'):
                    line = line.rstrip('\n').rstrip('\r')
                    if not line and types:
                        continue
                    cols = line.split('\t') if types else []
                    f.write('%s(%s).\n' % (rel, ','.join(fact_value(c, t) for c, t in zip(cols, types))))
                    tsv.write('\t'.join(str(scale_flop(c)) if t == 'number' else c
                                        for c, t in zip(cols, types)) + '\n')
                    n += 1
    return n


def scaled_rules(rules_path, out):
    """rules.dl with every integer literal >= 10^18 scaled, for the second lexproof binary."""
    text = open(rules_path, encoding='utf-8').read()
    def sub(m):
        if '"' in m.group(0):
            return m.group(0)
        return str(scale(int(Decimal(m.group(0)))))
    # Only number literals outside strings and comments: the thresholds in rules.dl are plain facts.
    out_text = re.sub(r'(?<![\w."])\d+(?:\.\d+)?[eE]\+?\d+(?![\w"])', sub, text)
    open(out, 'w', encoding='utf-8').write(out_text)


def timed(cmd, quiet=False):
    """Runs cmd under /usr/bin/time: (process, wall seconds, peak GiB). `quiet` discards stdout."""
    p = subprocess.run(['/usr/bin/time', '-f', '%e %M'] + cmd, text=True, stderr=subprocess.PIPE,
                       stdout=subprocess.DEVNULL if quiet else subprocess.PIPE)
    wall, rss = p.stderr.strip().split('\n')[-1].split()
    return p, float(wall), int(rss) / 1048576


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lexproof', required=False)
    ap.add_argument('--facts')
    ap.add_argument('--rules', default='rules.dl')
    ap.add_argument('--out', default='bench/out/clingo')
    ap.add_argument('--check', action='store_true', help='compare tuple counts per derived relation')
    ap.add_argument('--write-scaled-rules', action='store_true', help='only write OUT/rules-scaled.dl')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.write_scaled_rules:
        scaled_rules(a.rules, os.path.join(a.out, 'rules-scaled.dl'))
        return
    decls, heads, asp = parse_rules(a.rules)
    lp = os.path.join(a.out, 'rules.lp')
    with open(lp, 'w') as f:
        f.write('\n'.join(asp) + '\n')
        for name, ar in sorted(heads):
            f.write('#show %s/%d.\n' % (name, ar))
    base = os.path.basename(a.facts.rstrip('/'))
    facts_lp = os.path.join(a.out, 'facts-%s.lp' % base)
    scaled = os.path.join(a.out, 'facts-%s-scaled' % base)
    n_facts = write_facts(a.facts, decls, facts_lp, scaled)
    clingo = [sys.executable, '-m', 'clingo', lp, facts_lp]
    # lexproof: the scaled binary, all derivations recorded (its default).
    p, lw, lm = timed([a.lexproof, 'derive', '--facts', scaled, '--format', 'tsv'], quiet=True)
    if p.returncode != 0:
        sys.exit('lexproof failed:\n' + p.stderr)
    if a.check:
        q, cw, cm = timed(clingo + ['-V0', '--out-atomf=%s', '--out-ifs=\\n'])
        counts = {}
        for atom in q.stdout.split('\n'):
            m = re.match(r'(\w+)', atom)
            if m and atom not in ('SATISFIABLE', 'UNSATISFIABLE'):
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        d = os.path.join(a.out, 'lexproof-out')
        subprocess.run(['rm', '-rf', d])
        r = subprocess.run([a.lexproof, '-q', 'derive', '--all', '--facts', scaled, '--output-dir', d],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit('lexproof failed:\n' + r.stderr)
        bad = 0
        for name, _ in sorted(heads):
            mine = sum(1 for _ in open(os.path.join(d, name + '.tsv')))
            theirs = counts.get(name, 0)
            if mine != theirs:
                bad += 1
                print('MISMATCH %s: lexproof %d, clingo %d' % (name, mine, theirs))
        total = sum(counts.values())
        print('checked %d derived relations, %d tuples: %s' % (len(heads), total, 'same counts' if not bad else '%d differ' % bad))
        if bad:
            sys.exit(1)
    else:
        q, cw, cm = timed(clingo + ['-q'], quiet=True)
    if q.returncode not in (0, 10, 30):  # clingo: 10 satisfiable, 30 exhausted (0 through python -m)
        sys.exit('clingo failed (%d):\n%s' % (q.returncode, q.stderr[-2000:]))
    print('%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f' % (os.path.basename(a.facts.rstrip('/')), n_facts, lw, lm, cw, cm, cw / lw))


if __name__ == '__main__':
    main()
