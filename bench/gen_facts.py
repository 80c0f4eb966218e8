#!/usr/bin/env python3
"""Deterministic synthetic fact-base generator for lexproof benchmarks.

Usage: python3 bench/gen_facts.py --models N --out DIR [--seed S]

Writes Souffle-style TSV files DIR/<relation>.facts (tab-separated, no header,
symbols unquoted, numbers as plain integers, dates YYYY-MM-DD) using only input
relations of the public vocabulary, and prints
one summary line. Python 3.11 standard library only; same seed -> same bytes.
"""

import datetime
import sys

from factfiles import FactFiles, parse_args, weighted

# ---- vocabulary enumerations ------------------------------------------------
MODALITIES = ["text", "code", "audio", "speech", "image_from_text",
              "video_from_text", "image", "other"]
MODALITY_W = [40, 15, 4, 4, 12, 5, 10, 10]
CHANNELS = ["api", "download", "library", "physical_copy", "cloud",
            "chat_interface", "app_store", "customer_infrastructure"]
CHANNEL_W = [30, 25, 8, 1, 12, 12, 6, 6]
MONETISATION = ["price", "dual_licence", "required_paid_support",
                "paid_platform_access", "personal_data_for_access",
                "optional_paid_services", "microenterprise_transaction"]
# EU member states vs. third countries (ISO 3166-1 alpha-2)
COUNTRIES = {"DE": 12, "FR": 10, "NL": 6, "IE": 6, "IT": 4, "ES": 4, "SE": 3,
             "PL": 2, "AT": 2, "BE": 2, "FI": 2, "LU": 1, "DK": 1,
             "US": 25, "GB": 8, "CN": 7, "CA": 2, "JP": 1, "CH": 1, "KR": 1}

# Every relation written, with its vocabulary signature (arity and types).
RELATIONS = {
    "established_in": "symbol symbol",
    "developer": "symbol symbol",
    "places_under_own_name": "symbol symbol",
    "training_compute": "symbol number",
    "compute_known_to_exceed": "symbol number date",
    "generates": "symbol symbol",
    "capability_assessment": "symbol symbol",
    "made_available": "symbol symbol date",
    "research_development_prototyping": "symbol",
    "sole_purpose_scientific_research": "symbol",
    "internal_use": "symbol symbol",
    "essential_for_third_parties": "symbol",
    "affects_rights_of_natural_persons": "symbol",
    "ai_system": "symbol",
    "integrates": "symbol symbol",
    "system_provider": "symbol symbol",
    "system_made_available": "symbol date",
    "system_put_into_service": "symbol date",
    "free_open_source_licence": "symbol",
    "weights_public": "symbol",
    "architecture_public": "symbol",
    "usage_information_public": "symbol",
    "monetisation": "symbol symbol",
    "modified_from": "symbol symbol",
    "modifier": "symbol symbol",
    "modification_compute": "symbol number",
    "commission_designated": "symbol date",
    "rebuttal_accepted": "symbol date",
    "notified": "symbol date",
    "assessment_date": "date",
}

MAX_DEPTH = 10
ASSESSMENT_DATE = "2026-11-28"
CHUNK = 1 << 16  # models per buffered flush


def main(argv=None):
    a, rng = parse_args(__doc__, argv)
    n = a.models
    rnd = rng.random

    # dates 2024-01-01 .. 2026-10-31 as strings, indexable
    d0 = datetime.date(2024, 1, 1).toordinal()
    d1 = datetime.date(2026, 10, 31).toordinal()
    DATES = [datetime.date.fromordinal(o).isoformat() for o in range(d0, d1 + 1)]
    ND = len(DATES)

    # log-uniform FLOP values as exact ints with 4 significant digits:
    # P10[k] = 10**k; value = mantissa(1000..9999) * 10**(exp-3)
    P10 = [10 ** k for k in range(40)]

    def flop(lo, hi, r):  # lo, hi: decimal exponents
        x = lo + (hi - lo) * r
        e = int(x)
        return int(10.0 ** (x - e) * 1000.0) * P10[e - 3]

    mods = weighted(MODALITIES, MODALITY_W)
    nmods = len(mods)
    chans = weighted(CHANNELS, CHANNEL_W)
    nchans = len(chans)
    nmon = len(MONETISATION)
    ctry = weighted(list(COUNTRIES), list(COUNTRIES.values()))

    out = FactFiles(a.out, RELATIONS)
    buf, counts, flush = out.buf, out.counts, out.flush

    # providers
    nprov = n // 100 + 10
    PROV = ["prov-%d" % i for i in range(nprov)]
    b = buf["established_in"]
    for p in PROV:
        b.append("%s\t%s\n" % (p, ctry[int(rnd() * len(ctry))]))

    # locals for speed
    B_dev = buf["developer"].append
    B_pun = buf["places_under_own_name"].append
    B_tc = buf["training_compute"].append
    B_ckte = buf["compute_known_to_exceed"].append
    B_gen = buf["generates"].append
    B_cap = buf["capability_assessment"].append
    B_ma = buf["made_available"].append
    B_rdp = buf["research_development_prototyping"].append
    B_spsr = buf["sole_purpose_scientific_research"].append
    B_iu = buf["internal_use"].append
    B_eftp = buf["essential_for_third_parties"].append
    B_arnp = buf["affects_rights_of_natural_persons"].append
    B_ais = buf["ai_system"].append
    B_int = buf["integrates"].append
    B_sp = buf["system_provider"].append
    B_sma = buf["system_made_available"].append
    B_spis = buf["system_put_into_service"].append
    B_foss = buf["free_open_source_licence"].append
    B_wp = buf["weights_public"].append
    B_ap = buf["architecture_public"].append
    B_uip = buf["usage_information_public"].append
    B_mon = buf["monetisation"].append
    B_mf = buf["modified_from"].append
    B_mod = buf["modifier"].append
    B_mc = buf["modification_compute"].append
    B_cd = buf["commission_designated"].append
    B_ra = buf["rebuttal_accepted"].append
    B_not = buf["notified"].append

    depth = bytearray(n)
    parent = [-1] * n           # index of base model, -1 for foundation models
    dev = [0] * n               # provider index of developer
    comp = [0] * n              # training compute (0 = unknown)
    roots = []                  # foundation models
    nsys = 0
    ndesig = 0
    SR = P10[25]

    for i in range(n):
        m = "m-%d" % i
        r = rnd()
        if i and r < 0.65:
            # fine-tune: base is a foundation model (10 %) or any earlier model;
            # gives ~0.5 % of models at depth 10 for N = 10^6 (as the prototype)
            if roots and rnd() < 0.1:
                bi = roots[int(rnd() * len(roots))]
            else:
                bi = int(rnd() * i)
            if depth[bi] >= MAX_DEPTH:
                bi = parent[bi]
            depth[i] = depth[bi] + 1
            parent[i] = bi
            bm = "m-%d" % bi
            # in-house fine-tune (30 %) or third party
            p = dev[bi] if rnd() < 0.3 else int(rnd() * nprov)
            bc = comp[bi]
            if bc:
                # most modifications below 1/3 of base compute, ~12 % above
                if rnd() < 0.12:
                    mc = (bc * (34 + int(rnd() * 67))) // 100   # 0.34x .. 1x
                else:
                    mc = (bc * (1 + int(rnd() * 3000))) // 10000  # 0.0001x .. 0.3x
                    if mc == 0:
                        mc = 1
            else:
                mc = flop(18, 24, rnd())
            B_mf("%s\t%s\n" % (m, bm))
            B_mod("%s\t%s\n" % (m, PROV[p]))
            B_mc("%s\t%d\n" % (m, mc))
            if rnd() < 0.9:
                c = (bc + mc) if bc else flop(20, 26, rnd())
                comp[i] = c
                B_tc("%s\t%d\n" % (m, c))
        else:
            roots.append(i)
            p = int(rnd() * nprov)
            if rnd() < 0.9:
                c = flop(20, 26, rnd())
                comp[i] = c
                B_tc("%s\t%d\n" % (m, c))
        dev[i] = p
        pn = PROV[p]
        B_dev("%s\t%s\n" % (m, pn))

        # modalities: 1 (60 %) or 2 distinct
        g = mods[int(rnd() * nmods)]
        B_gen("%s\t%s\n" % (m, g))
        if rnd() < 0.4:
            g2 = mods[int(rnd() * nmods)]
            if g2 != g:
                B_gen("%s\t%s\n" % (m, g2))

        # made available on the Union market (80 %), 30 % of those via 2 channels
        if rnd() < 0.8:
            di = int(rnd() * ND)
            ch = chans[int(rnd() * nchans)]
            B_ma("%s\t%s\t%s\n" % (m, ch, DATES[di]))
            if rnd() < 0.3:
                ch2 = chans[int(rnd() * nchans)]
                if ch2 != ch:
                    B_ma("%s\t%s\t%s\n" % (m, ch2, DATES[di + int(rnd() * (ND - di))]))

        # rare flags (one draw, disjoint bands)
        r = rnd()
        if r < 0.03:
            B_cap("%s\t%s\n" % (m, "narrow" if r < 0.015 else "general"))
        elif r < 0.05:
            B_rdp(m + "\n")
        elif r < 0.07:
            B_pun("%s\t%s\n" % (m, PROV[int(rnd() * nprov)]))
        elif r < 0.075:
            B_spsr(m + "\n")
        elif r < 0.085:
            B_iu("%s\t%s\n" % (m, pn))
            if rnd() < 0.4:
                B_eftp(m + "\n")
            if rnd() < 0.3:
                B_arnp(m + "\n")
        elif r < 0.09:
            B_ckte("%s\t%d\t%s\n" % (m, SR, DATES[int(rnd() * ND)]))
        elif r < 0.0901:
            B_cd("%s\t%s\n" % (m, DATES[int(rnd() * ND)]))
            ndesig += 1

        # free and open-source licence (20 %), monetisation (~5 % overall)
        r = rnd()
        if r < 0.2:
            B_foss(m + "\n")
            if rnd() < 0.9:
                B_wp(m + "\n")
            if rnd() < 0.85:
                B_ap(m + "\n")
            if rnd() < 0.8:
                B_uip(m + "\n")
            if rnd() < 0.13:
                B_mon("%s\t%s\n" % (m, MONETISATION[int(rnd() * nmon)]))
        elif rnd() < 0.03:
            B_mon("%s\t%s\n" % (m, MONETISATION[int(rnd() * nmon)]))

        # integrated into the developer's own AI system (3 %)
        if rnd() < 0.03:
            s = "sys-%d" % nsys
            nsys += 1
            B_ais(s + "\n")
            B_int("%s\t%s\n" % (s, m))
            B_sp("%s\t%s\n" % (s, pn))
            if rnd() < 0.85:
                B_sma("%s\t%s\n" % (s, DATES[int(rnd() * ND)]))
            else:
                B_spis("%s\t%s\n" % (s, DATES[int(rnd() * ND)]))

        # systemic-risk-scale models: some notified, few of those rebutted
        if comp[i] >= SR and rnd() < 0.05:
            B_not("%s\t%s\n" % (m, DATES[int(rnd() * ND)]))
            if rnd() < 0.1:
                B_ra("%s\t%s\n" % (m, DATES[int(rnd() * ND)]))

        if (i & (CHUNK - 1)) == CHUNK - 1:
            flush()

    if ndesig == 0:  # keep commission_designated non-empty at small N
        B_cd("m-%d\t%s\n" % (n - 1, DATES[int(rnd() * ND)]))
    buf["assessment_date"].append(ASSESSMENT_DATE + "\n")
    out.close()

    total = sum(counts.values())
    print("models=%d providers=%d tuples=%d (%.2f per model) systems=%d max_depth=%d at_max_depth=%d"
          % (n, nprov, total, total / n, nsys, max(depth), depth.count(MAX_DEPTH)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
