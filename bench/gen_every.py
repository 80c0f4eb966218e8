#!/usr/bin/env python3
"""Deterministic synthetic fact base that exercises every input relation of lexproof.

Usage: python3 bench/gen_every.py --models N --out DIR [--seed S]

Like gen_facts.py (same CLI, same output format: Souffle-style TSV files
DIR/<relation>.facts, tab-separated, no header, symbols unquoted, numbers as
plain integers, dates YYYY-MM-DD; same seed -> same bytes; one summary line),
but it writes all 54 input relations of rules.dl (those no rule derives and
that are not .params), at realistic rates, with consistent lifecycles: actors
with founding dates, foundation models and chains of modifications (per
modification_kind), dated compute, plans to exceed thresholds, placings
through channels and AI systems (own, third-party, internal use), research
exclusions, open-source terms and monetisation over time, notifications,
rebuttals, designations (lifted or maintained, with the day the provider was
informed), duty_met and mandates (with named representatives), dated Union establishments,
abandoned compute plans, AI Office corrective actions,
Art. 79 corrective actions and Member State holidays.

Compute values are log-uniform, have at most 4 significant digits and are
multiples of 10^12 (every number >= 10^15 is). Linear in N; Python 3.11
standard library only.
"""

import datetime
import math
import random
import sys

from factfiles import FactFiles, parse_args, weighted

# ---- vocabulary enumerations (from rules.dl) -------------------------------------------------
MODALITIES = ["text", "code", "audio", "speech", "image_from_text",
              "video_from_text", "image", "other"]
MODALITY_W = [40, 15, 4, 4, 12, 5, 10, 10]
CHANNELS = ["api", "download", "library", "physical_copy", "cloud",
            "chat_interface", "app_store", "customer_infrastructure"]
CHANNEL_W = [30, 25, 8, 1, 12, 12, 6, 6]
MONETISATION = ["price", "dual_licence", "required_paid_support",
                "paid_platform_access", "personal_data_for_access",
                "optional_paid_services", "microenterprise_transaction"]
MONETISATION_W = [30, 15, 8, 12, 5, 25, 5]
OS_CONDITIONS = ["free_open_source_licence", "weights_public",
                 "architecture_public", "usage_information_public"]
# modification kinds with their share of modifications
MOD_KINDS = ["fine_tune", "adapter", "merge", "quantisation", "distillation",
             "continued_training"]
MOD_KIND_W = [50, 15, 8, 12, 8, 7]
ART53 = ["art53_1_a", "art53_1_b", "art53_1_c", "art53_1_d"]
ART55 = ["art55_1_a", "art55_1_b", "art55_1_c", "art55_1_d"]
# 17 countries (ISO 3166-1 alpha-2): 10 EU Member States, 7 third countries
# (NO is EEA EFTA, treated as a third country by the rules)
COUNTRIES = {"DE": 12, "FR": 10, "NL": 6, "IE": 6, "IT": 4, "ES": 4, "SE": 3,
             "PL": 2, "AT": 2, "BE": 2,
             "US": 27, "GB": 8, "CN": 7, "CA": 2, "CH": 2, "JP": 2, "NO": 1}
EU = {"DE", "FR", "NL", "IE", "IT", "ES", "SE", "PL", "AT", "BE"}
REP_OUTSIDE = ["GB", "CH", "NO"]
# corrective-action periods (days) set by authorities
CA_DAYS = [1, 5, 7, 10, 10, 14, 14, 20, 30, 30]

# Every relation written, with its signature in rules.dl.
RELATIONS = {
    "established_in": "actor country",
    "developer": "model actor",
    "places_under_own_name": "model actor",
    "training_compute": "model number",
    "compute_known_to_exceed": "model number date",
    "generates": "model modality",
    "capability_assessment": "model capability_kind",
    "made_available": "model channel date",
    "research_development_prototyping": "model",
    "sole_purpose_scientific_research": "model",
    "internal_use": "model actor",
    "essential_for_third_parties": "model",
    "affects_rights_of_natural_persons": "model",
    "ai_system": "system",
    "integrates": "system model",
    "system_provider": "system actor",
    "system_made_available": "system date",
    "system_put_into_service": "system date",
    "free_open_source_licence": "model",
    "weights_public": "model",
    "architecture_public": "model",
    "usage_information_public": "model",
    "monetisation": "model monetisation_form",
    "modified_from": "model model",
    "modifier": "model actor",
    "modification_compute": "model number",
    "commission_designated": "model date",
    "rebuttal_accepted": "model date",
    "notified": "model date",
    "assessment_date": "date",
    "duty_met": "actor model duty date",
    "designation_lifted": "model date",
    "designation_maintained": "model date",
    "model_transferred": "model actor date",
    "union_use_excluded": "model",
    "compute_reached": "model number date",
    "essential_for_third_parties_from": "model date",
    "affects_rights_from": "model date",
    "open_source_condition_from": "model open_source_condition date",
    "open_source_condition_ended": "model open_source_condition date",
    "monetisation_from": "model monetisation_form date",
    "monetisation_ended": "model monetisation_form date",
    "representative_mandate_ended": "actor model date",
    "representative_ended_for_breach": "actor model date",
    "public_holiday": "symbol date",
    "modification_kind": "model modification_kind",
    "system_deployer": "system actor",
    "system_offered_in": "system country",
    "corrective_action_required": "system country date",
    "corrective_action_period": "system country date number",
    "corrective_action_taken": "system date",
    "designation_informed": "model date",
    "established_in_from": "actor country date",
    "established_in_until": "actor country date",
    "research_system": "system",
    "authorised_representative": "actor model actor",
    "mandate_given": "actor model actor date",
    "ended_by_representative": "actor model actor date",
    "compute_plan_abandoned": "model date",
    "ai_office_corrective_action_required": "system date",
}

MAX_DEPTH = 10
CHUNK = 1 << 16  # models per buffered flush

# ---- calendar ---------------------------------------------------------------------------------
BASE = datetime.date(2015, 1, 1).toordinal()


def off(y, m, d):
    return datetime.date(y, m, d).toordinal() - BASE


O_D0 = off(2024, 1, 1)        # first release day
O_DEND = off(2026, 10, 31)    # last ordinary release day
O_AS = off(2026, 11, 30)      # assessment date
O_FUT = off(2027, 3, 31)      # last day of announced (future) launches
O_G = off(2025, 8, 2)         # Chapter V applies
O_A79 = off(2026, 8, 2)       # general application (Art. 79 periods)
ASSESSMENT_DATE = "2026-11-30"


def easter(y):
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return datetime.date(y, month, day)


def nth_weekday(y, m, wd, n):
    """n-th (1-based; -1 = last) weekday wd (Mon=0) of month m."""
    if n > 0:
        d = datetime.date(y, m, 1)
        d += datetime.timedelta((wd - d.weekday()) % 7 + 7 * (n - 1))
        return d
    nxt = datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(1)
    return nxt - datetime.timedelta((nxt.weekday() - wd) % 7)


def between_weekday(y, m, d0, wd):
    """The weekday wd falling in the 7 days from y-m-d0."""
    d = datetime.date(y, m, d0)
    return d + datetime.timedelta((wd - d.weekday()) % 7)


def public_holidays():
    """National public holidays 2026-2027 of the Member States in COUNTRIES, plus the fixed
    Commission holidays of 2028 (after the list built into the rules)."""
    out = []
    for y in (2026, 2027):
        e = easter(y)
        D = lambda m, d: datetime.date(y, m, d)
        E = lambda k: e + datetime.timedelta(k)
        gf, em, asc, wm, cc = E(-2), E(1), E(39), E(50), E(60)
        cal = {
            "DE": [D(1, 1), gf, em, D(5, 1), asc, wm, D(10, 3), D(12, 25), D(12, 26)],
            "FR": [D(1, 1), em, D(5, 1), D(5, 8), asc, wm, D(7, 14), D(8, 15), D(11, 1),
                   D(11, 11), D(12, 25)],
            "NL": [D(1, 1), gf, em, D(4, 27) if D(4, 27).weekday() != 6 else D(4, 26), asc, wm,
                   D(12, 25), D(12, 26)],
            "IE": [D(1, 1), nth_weekday(y, 2, 0, 1), D(3, 17), em, nth_weekday(y, 5, 0, 1),
                   nth_weekday(y, 6, 0, 1), nth_weekday(y, 8, 0, 1), nth_weekday(y, 10, 0, -1),
                   D(12, 25), D(12, 26)],
            "IT": [D(1, 1), D(1, 6), em, D(4, 25), D(5, 1), D(6, 2), D(8, 15), D(11, 1), D(12, 8),
                   D(12, 25), D(12, 26)],
            "ES": [D(1, 1), D(1, 6), gf, D(5, 1), D(8, 15), D(10, 12), D(11, 1), D(12, 6), D(12, 8),
                   D(12, 25)],
            "SE": [D(1, 1), D(1, 6), gf, em, D(5, 1), asc, D(6, 6), between_weekday(y, 6, 19, 4),
                   between_weekday(y, 10, 31, 5), D(12, 24), D(12, 25), D(12, 26)],
            "PL": [D(1, 1), D(1, 6), em, D(5, 1), D(5, 3), cc, D(8, 15), D(11, 1), D(11, 11),
                   D(12, 24), D(12, 25), D(12, 26)],
            "AT": [D(1, 1), D(1, 6), em, D(5, 1), asc, wm, cc, D(8, 15), D(10, 26), D(11, 1),
                   D(12, 8), D(12, 25), D(12, 26)],
            "BE": [D(1, 1), em, D(5, 1), asc, wm, D(7, 21), D(8, 15), D(11, 1), D(11, 11),
                   D(12, 25)],
        }
        for c in sorted(cal):
            for d in sorted(set(cal[c])):
                out.append("%s\t%s\n" % (c, d.isoformat()))
    for m, d in ((1, 1), (5, 1), (5, 9), (12, 25), (12, 26)):
        out.append("commission\t%s\n" % datetime.date(2028, m, d).isoformat())
    return out


def main(argv=None):
    a, rng = parse_args(__doc__, argv)
    n = a.models
    rnd = rng.random
    # A second stream for the relations added later (informed designations, dated
    # establishments, named representatives), so that the rows of the others stay as they were.
    rnd2 = random.Random(a.seed * 7919 + 1).random
    # A third for later additions still (two representatives in force, one ending its mandate).
    rnd3 = random.Random(a.seed * 104729 + 2).random
    # A fourth for closed establishments (a Union actor moving abroad).
    rnd4 = random.Random(a.seed * 15485863 + 3).random

    DS = [datetime.date.fromordinal(BASE + k).isoformat()
          for k in range(off(2029, 12, 31) + 1)]

    # FLOP values: 10**x rounded down to 4 significant digits, x >= 15, so every value is a
    # multiple of 10**12 (mantissa 1000..9999 times 10**(e-3)).
    P10 = [10 ** k for k in range(40)]

    def fl(x):
        if x < 15.0:
            x = 15.0
        e = int(x)
        return int(10.0 ** (x - e) * 1000.0) * P10[e - 3]

    def r4(v):  # round an integer >= 10**15 down to 4 significant digits
        p = P10[len(str(v)) - 4]
        return v // p * p

    lg = math.log10

    mods = weighted(MODALITIES, MODALITY_W)
    nmods = len(mods)
    chans = weighted(CHANNELS, CHANNEL_W)
    nchans = len(chans)
    mons = weighted(MONETISATION, MONETISATION_W)
    nmons = len(mons)
    kinds = weighted(MOD_KINDS, MOD_KIND_W)
    nkinds = len(kinds)
    ctry = weighted(list(COUNTRIES), list(COUNTRIES.values()))
    nctry = len(ctry)
    eu_ctry = [c for c in ctry if c in EU]
    neu = len(eu_ctry)

    out = FactFiles(a.out, RELATIONS)
    buf, counts, flush = out.buf, out.counts, out.flush

    B = {r: buf[r].append for r in RELATIONS}
    B_dev = B["developer"]; B_pun = B["places_under_own_name"]; B_tc = B["training_compute"]
    B_ckte = B["compute_known_to_exceed"]; B_gen = B["generates"]; B_cap = B["capability_assessment"]
    B_ma = B["made_available"]; B_rdp = B["research_development_prototyping"]
    B_spsr = B["sole_purpose_scientific_research"]; B_iu = B["internal_use"]
    B_eftp = B["essential_for_third_parties"]; B_arnp = B["affects_rights_of_natural_persons"]
    B_eftpf = B["essential_for_third_parties_from"]; B_arf = B["affects_rights_from"]
    B_foss = B["free_open_source_licence"]; B_wp = B["weights_public"]
    B_ap = B["architecture_public"]; B_uip = B["usage_information_public"]
    B_oscf = B["open_source_condition_from"]; B_osce = B["open_source_condition_ended"]
    B_mon = B["monetisation"]; B_monf = B["monetisation_from"]; B_mone = B["monetisation_ended"]
    B_mf = B["modified_from"]; B_mod = B["modifier"]; B_mc = B["modification_compute"]
    B_mk = B["modification_kind"]; B_cr = B["compute_reached"]
    B_cd = B["commission_designated"]; B_dl = B["designation_lifted"]
    B_dm = B["designation_maintained"]; B_ra = B["rebuttal_accepted"]; B_not = B["notified"]
    B_dmet = B["duty_met"]; B_rme = B["representative_mandate_ended"]
    B_mt = B["model_transferred"]
    ntransfer = 0
    B_uue = B["union_use_excluded"]

    # ---- actors: N/50 + 20, each with a founding day and 0-2 establishments ----------------
    nact = n // 50 + 20
    ACT = ["prov-%d" % i for i in range(nact)]
    founded = [0] * nact
    in_eu = bytearray(nact)      # 1 = established in a Member State
    B_est = B["established_in"]
    span_f = off(2026, 6, 30) - O_D0
    moved_any = False
    for p in range(nact):
        founded[p] = 0 if rnd() < 0.7 else O_D0 + int(rnd() * span_f)
        r = rnd()
        if r < 0.04:
            continue                     # establishment unknown
        c = ctry[int(rnd() * nctry)]
        B_est("%s\t%s\n" % (ACT[p], c))
        eu_flag = c in EU
        if r > 0.85:                     # a second establishment (e.g. an EU subsidiary)
            c2 = eu_ctry[int(rnd() * neu)] if not eu_flag and rnd() < 0.6 else ctry[int(rnd() * nctry)]
            if c2 != c:
                B_est("%s\t%s\n" % (ACT[p], c2))
                eu_flag = eu_flag or c2 in EU
        in_eu[p] = eu_flag
        # an actor with one establishment, in the Union, that moves it abroad on a known day (3 %,
        # and the first such actor, so that small fact bases have one too)
        if eu_flag and r <= 0.85 and (rnd4() < 0.03 or not moved_any):
            moved_any = True
            moved = DS[off(2025, 9, 1) + int(rnd4() * 450)]
            B["established_in_until"]("%s\t%s\t%s\n" % (ACT[p], c, moved))
            B["established_in_from"]("%s\t%s\t%s\n" % (ACT[p], "US", moved))
        # a third-country actor that opens an establishment in the Union on a known day (5 %)
        if not eu_flag and rnd2() < 0.05:
            B["established_in_from"]("%s\t%s\t%s\n" % (
                ACT[p], eu_ctry[int(rnd2() * neu)], DS[off(2025, 6, 1) + int(rnd2() * 540)]))

    def other_actor(p):
        q = int(rnd() * nact)
        return q if q != p else (q + 1) % nact

    # ---- AI systems ---------------------------------------------------------------------------
    B_ais = B["ai_system"]; B_int = B["integrates"]; B_sp = B["system_provider"]
    B_sma = B["system_made_available"]; B_spis = B["system_put_into_service"]
    B_sd = B["system_deployer"]; B_so = B["system_offered_in"]
    B_car = B["corrective_action_required"]; B_cap_p = B["corrective_action_period"]
    B_cat = B["corrective_action_taken"]
    st = {"sys": 0, "ca": 0, "research": False}

    def system(models, prov, day, made_available):
        """One AI system of actor `prov` integrating `models`, supplied (or put into service)
        from `day`, with countries, deployers and Art. 79 corrective actions."""
        k = st["sys"]
        st["sys"] = k + 1
        s = "sys-%d" % k
        B_ais(s + "\n")
        for m in models:
            B_int("%s\t%s\n" % (s, m))
        B_sp("%s\t%s\n" % (s, ACT[prov]))
        (B_sma if made_available else B_spis)("%s\t%s\n" % (s, DS[day]))
        # a system only put into service that serves only scientific research (5 %, and the
        # first such system)
        if not made_available and (rnd4() < 0.05 or not st["research"]):
            st["research"] = True
            B["research_system"](s + "\n")
        if made_available and rnd() < 0.15:   # later also in service at a deployer's
            B_spis("%s\t%s\n" % (s, DS[day + int(rnd() * 90)]))
        # countries: 1-3
        c1 = ctry[int(rnd() * nctry)]
        cs = [c1]
        r = rnd()
        if r < 0.35:
            c2 = eu_ctry[int(rnd() * neu)]
            if c2 != c1:
                cs.append(c2)
            if r < 0.1:
                c3 = ctry[int(rnd() * nctry)]
                if c3 not in cs:
                    cs.append(c3)
        for c in cs:
            B_so("%s\t%s\n" % (s, c))
        r = rnd()
        if r < 0.45:
            q = other_actor(prov)
            B_sd("%s\t%s\n" % (s, ACT[q]))
            if r < 0.1:
                q2 = other_actor(prov)
                if q2 != q:
                    B_sd("%s\t%s\n" % (s, ACT[q2]))
        # Art. 79: a Member State authority requires corrective action (7 % of systems in the EU)
        eus = [c for c in cs if c in EU]
        r = rnd()
        if eus and r < 0.07:
            st["ca"] += 1
            auth = eus[int(rnd() * len(eus))]
            if rnd() < 0.9:
                req = O_A79 + 1 + int(rnd() * (O_AS - O_A79 - 1))
            else:
                req = off(2026, 5, 1) + int(rnd() * 90)    # before Art. 79 periods apply
            B_car("%s\t%s\t%s\n" % (s, auth, DS[req]))
            if rnd() < 0.5:
                B_cap_p("%s\t%s\t%s\t%d\n" % (s, auth, DS[req], CA_DAYS[int(rnd() * 10)]))
            if rnd() < 0.55:
                B_cat("%s\t%s\n" % (s, DS[req + 1 + int(rnd() * 40)]))
            if rnd() < 0.1 and len(eus) > 1:              # a second authority acts too
                auth2 = eus[0] if auth != eus[0] else eus[1]
                req2 = req + int(rnd() * 20)
                B_car("%s\t%s\t%s\n" % (s, auth2, DS[req2]))
        elif r < 0.0725 and rnd2() < 0.3:                 # the AI Office acts (Art. 75(1))
            B["ai_office_corrective_action_required"]("%s\t%s\n" % (s, DS[O_A79 + 1 + int(rnd2() * 200)]))
        elif r < 0.004 and ("CH" in cs or "NO" in cs):    # outside Art. 79: starts no period
            B_car("%s\t%s\t%s\n" % (s, "CH" if "CH" in cs else "NO", DS[O_A79 + int(rnd() * 100)]))
        return s

    # ---- per-model state (linear arrays) --------------------------------------------------
    depth = bytearray(n)
    parent = [-1] * n
    mk = [0] * n        # marketing actor (places_under_own_name, else developer)
    comp = [0] * n      # cumulative compute as recorded (0 = unknown)
    rel = [0] * n       # release / first supply day (day offset)
    roots = []
    SR = P10[25]
    GP = P10[23]
    ndesig = 0
    nmand = 0
    ntwo = 0
    nrep = n // 500 + 5
    rep_seen = bytearray(nrep)
    cnt = {"foss_dated": 0, "mon_dated": 0, "uue": 0, "spsr": 0}

    for i in range(n):
        m = "m-%d" % i
        kind = None
        bi = -1
        r = rnd()
        # ---- lineage, developer, compute -------------------------------------------------
        if i and r < 0.6:
            if roots and rnd() < 0.1:
                bi = roots[int(rnd() * len(roots))]
            else:
                bi = int(rnd() * i)
            if depth[bi] >= MAX_DEPTH:
                bi = parent[bi]
            depth[i] = depth[bi] + 1
            parent[i] = bi
            kind = kinds[int(rnd() * nkinds)]
            bm = "m-%d" % bi
            B_mf("%s\t%s\n" % (m, bm))
            if kind == "merge" and i > 1:          # a merge has a second base
                b2 = int(rnd() * i)
                if b2 != bi:
                    B_mf("%s\t%s\n" % (m, "m-%d" % b2))
            bp = mk[bi]
            r2 = rnd()
            if r2 < 0.3:                            # in-house modification
                p = bp
                mdf = p if rnd() < 0.75 else -1     # modifier sometimes not recorded
            elif r2 < 0.33:                         # commissioned from a contractor
                p = bp
                mdf = other_actor(bp)
            else:                                   # third party
                p = other_actor(bp)
                mdf = p
            if mdf >= 0:
                B_mod("%s\t%s\n" % (m, ACT[mdf]))
            bc = comp[bi]
            # modification compute, log-distance u below the base's compute
            if kind == "fine_tune":
                u = rnd() * 0.47 if rnd() < 0.12 else 0.6 + rnd() * 4.4
            elif kind == "adapter":
                u = 2.0 + rnd() * 4.0
            elif kind == "quantisation":
                u = 4.0 + rnd() * 4.0
            elif kind == "distillation":
                u = 0.5 + rnd() * 2.5
            elif kind == "merge":
                u = 5.0 + rnd() * 4.0
            else:                                   # continued training, rarely above the base
                u = -0.2 + rnd() * 1.7
            if bc:
                mcx = lg(bc) - u
            else:
                mcx = 18.0 + rnd() * 6.0
            mc = fl(mcx)
            if rnd() < 0.93:
                B_mc("%s\t%d\n" % (m, mc))
            if rnd() < 0.85:
                B_mk("%s\t%s\n" % (m, kind))
            c = 0
            if rnd() < (0.5 if kind == "merge" else 0.88):
                if kind == "distillation":
                    c = mc
                elif bc:
                    c = r4(bc + mc)
                else:
                    c = fl(max(20.0, mcx) + rnd() * 2.0)
                comp[i] = c
                B_tc("%s\t%d\n" % (m, c))
            lo = rel[bi] if rel[bi] > founded[p] else founded[p]
            staged = False
        else:
            roots.append(i)
            p = int(rnd() * nact)
            lo = founded[p] if founded[p] > O_D0 else O_D0
            staged = False
            c = 0
            if rnd() < 0.9:
                c = fl(20.0 + rnd() * 6.0)
                comp[i] = c
                if rnd() < 0.08:                    # dated compute: staged training runs
                    staged = True
                else:
                    B_tc("%s\t%d\n" % (m, c))
        # developer (rarely unknown for a foundation model)
        if bi >= 0 or rnd() > 0.003:
            B_dev("%s\t%s\n" % (m, ACT[p]))
        mkt = p
        if rnd() < 0.02:                            # marketed under another actor's name
            mkt = other_actor(p)
            B_pun("%s\t%s\n" % (m, ACT[mkt]))
        mk[i] = mkt
        # release day: after the developer's founding and the base's release
        if rnd() < 0.04:                            # announced launch after the assessment date
            d = (lo if lo > O_AS else O_AS) + 1 + int(rnd() * 120)
        elif lo <= O_DEND:
            d = lo + int(rnd() * (O_DEND - lo + 1))
        else:
            d = lo + int(rnd() * 30)
        rel[i] = d

        # staged compute rows of a foundation model: a growing figure per training step, the
        # last one by the first placing, or (25 %) after it, possibly after the assessment date
        if staged:
            fr = (1, 4, 10) if rnd() < 0.4 else (3, 10)
            last = d - int(rnd() * 20) if rnd() < 0.75 else d + 30 + int(rnd() * 200)
            days = [last]
            for _ in fr[1:]:
                days.append(days[-1] - 20 - int(rnd() * 60))
            days.reverse()
            for f, dd in zip(fr, days):
                B_cr("%s\t%d\t%s\n" % (m, c if f == 10 else r4(c * f // 10), DS[dd]))
            if rnd() < 0.6:                         # today's figure given as well
                B_tc("%s\t%d\n" % (m, c))

        # plans known to exceed a threshold (before training ends)
        if c >= 3 * P10[24] and rnd() < 0.25:
            f = SR if c < 2 * SR or rnd() < 0.5 else (2 * SR if c < 5 * SR else 5 * SR)
            B_ckte("%s\t%d\t%s\n" % (m, f, DS[d - 30 - int(rnd() * 200)]))
            if rnd2() < 0.08:                        # the plan was abandoned short of it
                B["compute_plan_abandoned"]("%s\t%s\n" % (m, DS[d - 10 - int(rnd2() * 20)]))
        elif GP < c < SR and rnd() < 0.03:
            B_ckte("%s\t%d\t%s\n" % (m, GP, DS[d - 20 - int(rnd() * 150)]))

        # modalities: 1 (65 %) or 2
        g = mods[int(rnd() * nmods)]
        B_gen("%s\t%s\n" % (m, g))
        if rnd() < 0.35:
            g2 = mods[int(rnd() * nmods)]
            if g2 != g:
                B_gen("%s\t%s\n" % (m, g2))
        r = rnd()
        if r < 0.03:
            B_cap("%s\t%s\n" % (m, "narrow" if r < 0.016 else "general"))

        # ---- how the model reaches users ------------------------------------------------------
        r = rnd()
        supplied = False
        if r < 0.02:                                # research, development or prototyping
            B_rdp(m + "\n")
            r2 = rnd()
            if r2 < 0.35:                           # launch planned after the assessment date
                fd = (d if d > O_AS else O_AS) + 1 + int(rnd() * 120)
                rel[i] = fd
                B_ma("%s\t%s\t%s\n" % (m, chans[int(rnd() * nchans)], DS[fd]))
            elif r2 < 0.65:                         # prototype since placed: exclusion ended
                B_ma("%s\t%s\t%s\n" % (m, chans[int(rnd() * nchans)], DS[d]))
                supplied = d <= O_AS
        elif r < 0.026 or (cnt["spsr"] == 0 and i == n - 1):   # scientific research only
            cnt["spsr"] += 1
            B_spsr(m + "\n")
            if rnd() < 0.2:                         # shared anyway: back in scope
                B_ma("%s\t%s\t%s\n" % (m, "download", DS[d]))
                supplied = d <= O_AS
        elif r < 0.046:                             # internal use by its marketing actor
            B_iu("%s\t%s\n" % (m, ACT[mkt]))
            r2 = rnd()
            if r2 < 0.2:
                B_eftp(m + "\n")
            elif r2 < 0.32:
                B_arnp(m + "\n")
            elif r2 < 0.47:
                B_eftpf("%s\t%s\n" % (m, DS[d + 30 + int(rnd() * 300)]))
            elif r2 < 0.57:
                B_arf("%s\t%s\n" % (m, DS[d + 30 + int(rnd() * 300)]))
            if rnd() < 0.8:                         # dated by its own system in service
                system((m,), mkt, d, False)
            if rnd() < 0.1:                         # later also offered on the market
                B_ma("%s\t%s\t%s\n" % (m, "api", DS[d + 60 + int(rnd() * 200)]))
        elif r < 0.05 or (cnt["uue"] == 0 and i == n - 2):  # Union use excluded upstream
            cnt["uue"] += 1
            B_uue(m + "\n")
            system((m,), other_actor(mkt), d + int(rnd() * 90), rnd() < 0.8)
        elif r < 0.86:                              # placed through channels
            ch = chans[int(rnd() * nchans)]
            B_ma("%s\t%s\t%s\n" % (m, ch, DS[d]))
            supplied = d <= O_AS
            if rnd() < 0.25:
                ch2 = chans[int(rnd() * nchans)]
                if ch2 != ch:
                    B_ma("%s\t%s\t%s\n" % (m, ch2, DS[d + int(rnd() * 300)]))
        # (else: not supplied yet; developed or used outside the Union)

        # AI systems: the marketing actor's own (3 %), a downstream provider's (6 %)
        r = rnd()
        if r < 0.03:
            system((m,), mkt, d + int(rnd() * 60), rnd() < 0.85)
        elif r < 0.09 and i:
            ms = (m,) if rnd() < 0.85 else (m, "m-%d" % int(rnd() * i))
            system(ms, other_actor(mkt), d + int(rnd() * 200), rnd() < 0.75)
            supplied = supplied or d <= O_AS

        # ---- open source and monetisation ----------------------------------------------------
        r = rnd()
        if r < 0.13:                                # undated open-source terms
            B_foss(m + "\n")
            if rnd() < 0.95:
                B_wp(m + "\n")
            if rnd() < 0.9:
                B_ap(m + "\n")
            if rnd() < 0.88:
                B_uip(m + "\n")
        elif r < 0.2 or (cnt["foss_dated"] == 0 and i == n - 1):   # dated release
            cnt["foss_dated"] += 1
            o = d + int(rnd() * 40)
            last = o
            for cond in OS_CONDITIONS:
                if rnd() < 0.95:
                    od = o + (0 if rnd() < 0.7 else int(rnd() * 200))
                    last = od if od > last else last
                    B_oscf("%s\t%s\t%s\n" % (m, cond, DS[od]))
            if rnd() < 0.12 or cnt["foss_dated"] == 1:   # the licence or weights withdrawn
                cond = OS_CONDITIONS[0] if rnd() < 0.6 else OS_CONDITIONS[1]
                B_osce("%s\t%s\t%s\n" % (m, cond, DS[last + 30 + int(rnd() * 300)]))
        if r < 0.2:
            r2 = rnd()
            if r2 < 0.12:
                B_mon("%s\t%s\n" % (m, mons[int(rnd() * nmons)]))
            elif r2 < 0.2 or cnt["mon_dated"] == 0:
                cnt["mon_dated"] += 1
                f = mons[int(rnd() * nmons)]
                md = d + 30 + int(rnd() * 400)
                B_monf("%s\t%s\t%s\n" % (m, f, DS[md]))
                if rnd() < 0.4 or cnt["mon_dated"] == 1:
                    B_mone("%s\t%s\t%s\n" % (m, f, DS[md + 30 + int(rnd() * 200)]))
        elif rnd() < 0.04:
            B_mon("%s\t%s\n" % (m, mons[int(rnd() * nmons)]))

        # ---- Commission: notification, rebuttal, designation ---------------------------------
        if c > SR and rnd() < 0.35:
            nd = d + int(rnd() * 30) - 10
            if nd < O_G:
                nd = O_G + int(rnd() * 20)
            B_not("%s\t%s\n" % (m, DS[nd]))
            if rnd() < 0.12:
                B_ra("%s\t%s\n" % (m, DS[nd + 60 + int(rnd() * 180)]))
        if (c < SR and rnd() < 0.002) or n - i <= 3 - ndesig:
            dd = O_G + int(rnd() * (off(2026, 5, 31) - O_G))
            if dd < d:
                dd = d + int(rnd() * 60)
            B_cd("%s\t%s\n" % (m, DS[dd]))
            if rnd2() < 0.7:                         # the day the provider was informed
                B["designation_informed"]("%s\t%s\n" % (m, DS[dd + int(rnd2() * 8)]))
            k = ndesig % 5
            ndesig += 1
            if k == 0:                               # lifted on reassessment
                B_dl("%s\t%s\n" % (m, DS[dd + 183 + int(rnd() * 60)]))
            elif k == 1:                             # maintained
                B_dm("%s\t%s\n" % (m, DS[dd + 183 + int(rnd() * 30)]))
            elif k == 2:                             # maintained, lifted on a later request
                km = dd + 183 + int(rnd() * 20)
                B_dm("%s\t%s\n" % (m, DS[km]))
                B_dl("%s\t%s\n" % (m, DS[km + 183 + int(rnd() * 30)]))

        # ---- duties recorded as met ------------------------------------------------------------
        if supplied and rnd() < 0.15:
            pa = ACT[mkt]
            k = 1 + int(rnd() * 4)
            j = int(rnd() * 4)
            for t in range(k):
                du = ART53[(j + t) % 4]
                md = d - int(rnd() * 60) if rnd() < 0.7 else d + 1 + int(rnd() * 300)
                B_dmet("%s\t%s\t%s\t%s\n" % (pa, m, du, DS[md]))
            if rnd() < 0.05:
                B_dmet("%s\t%s\t%s\t%s\n" % (pa, m, "art53_3_cooperate", DS[d + int(rnd() * 300)]))
            if c > SR and rnd() < 0.5:
                for du in ART55:
                    if rnd() < 0.6:
                        B_dmet("%s\t%s\t%s\t%s\n" % (pa, m, du, DS[d + int(rnd() * 200) - 30]))
                if rnd() < 0.1:
                    B_dmet("%s\t%s\t%s\t%s\n" % (pa, m, "art52_1_notify", DS[d + int(rnd() * 30)]))
        # Art. 54(1): a third-country provider mandates an authorised representative
        if supplied and not in_eu[mkt] and rnd() < 0.3:
            nmand += 1
            md = d - 1 - int(rnd() * 90) if rnd() < 0.8 else d + int(rnd() * 200)
            B_dmet("%s\t%s\t%s\t%s\n" % (ACT[mkt], m, "art54_1_authorised_representative", DS[md]))
            r = -1
            if rnd2() < 0.6:                         # the representative named, 5 % outside the Union
                r = int(rnd2() * nrep)
                if not rep_seen[r]:
                    rep_seen[r] = 1
                    c = REP_OUTSIDE[int(rnd2() * 3)] if rnd2() < 0.05 else eu_ctry[int(rnd2() * neu)]
                    B_est("rep-%d\t%s\n" % (r, c))
                B["authorised_representative"]("%s\t%s\trep-%d\n" % (ACT[mkt], m, r))
            if rnd() < 0.06 or nmand == 1:
                ed = md + 60 + int(rnd() * 400)
                if rnd2() < 0.3:                     # ended for the provider's breach (Art. 54(5))
                    B["representative_ended_for_breach"]("%s\t%s\t%s\n" % (ACT[mkt], m, DS[ed]))
                    if r >= 0 and rnd2() < 0.7:      # the named representative's notice to the AI Office
                        B_dmet("%s\t%s\t%s\t%s\n" % ("rep-%d" % r, m, "art54_5_inform_ai_office", DS[ed + int(rnd2() * 3)]))
                else:
                    B_rme("%s\t%s\t%s\n" % (ACT[mkt], m, DS[ed]))
                if rnd2() < 0.4:                     # a new representative, its mandate dated and named
                    r2 = int(rnd2() * nrep)
                    if not rep_seen[r2]:
                        rep_seen[r2] = 1
                        B_est("rep-%d\t%s\n" % (r2, eu_ctry[int(rnd2() * neu)]))
                    B["mandate_given"]("%s\t%s\trep-%d\t%s\n" % (ACT[mkt], m, r2, DS[ed + 1 + int(rnd2() * 60)]))
                    if rnd3() < 0.25 or ntwo == 0:   # a second representative in force beside it,
                        r3 = (r2 + 1 + int(rnd3() * (nrep - 1))) % nrep  # one of the two later ending its own mandate
                        if r3 != r2:
                            ntwo += 1
                            if not rep_seen[r3]:
                                rep_seen[r3] = 1
                                B_est("rep-%d\t%s\n" % (r3, eu_ctry[int(rnd3() * neu)]))
                            nd = ed + 1 + int(rnd3() * 60)
                            B["mandate_given"]("%s\t%s\trep-%d\t%s\n" % (ACT[mkt], m, r3, DS[nd]))
                            B["ended_by_representative"]("%s\t%s\trep-%d\t%s\n" % (ACT[mkt], m, r3 if rnd3() < 0.5 else r2, DS[nd + 90 + int(rnd3() * 200)]))

        # a placed model sold to another actor (0.5 %), sometimes sold on again
        if supplied and (rnd() < 0.005 or ntransfer == 0):
            ntransfer += 1
            td = d + 30 + int(rnd() * 400)
            B_mt("%s\t%s\t%s\n" % (m, ACT[other_actor(mkt)], DS[td]))
            if rnd() < 0.1:
                B_mt("%s\t%s\t%s\n" % (m, ACT[other_actor(mkt)], DS[td + 30 + int(rnd() * 200)]))

        if (i & (CHUNK - 1)) == CHUNK - 1:
            flush()

    buf["public_holiday"].extend(public_holidays())
    buf["assessment_date"].append(ASSESSMENT_DATE + "\n")
    out.close()

    total = sum(counts.values())
    empty = [r for r in RELATIONS if counts[r] == 0]
    print("models=%d actors=%d systems=%d tuples=%d (%.2f per model) relations=%d empty=%d%s max_depth=%d designations=%d"
          % (n, nact, st["sys"], total, total / n, len(RELATIONS), len(empty),
             (" (" + ",".join(empty) + ")") if empty else "", max(depth), ndesig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
