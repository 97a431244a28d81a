"""`tunesmith evaluate GENERATED --reference REFERENCE [--out DIR]`: compare generated music with real music."""

from __future__ import annotations

EPILOG = """examples:
  tunesmith evaluate samples/ --reference chorales:valid              print the metric table
  tunesmith evaluate samples/ --reference chorales:valid --out report  also write report.md and plots
  tunesmith evaluate chorales:valid --reference chorales:train        real against real: accuracy near 0.5
"""


def register(sub) -> None:
    import argparse

    p = sub.add_parser("evaluate", help="compare generated scores with reference scores, metric by metric",
                       description="Compute every evaluation metric on two sets of scores and compare them: "
                                   "distributions, overlap area and KL divergence of intra/inter-set distances "
                                   "(Yang & Lerch 2018), and how well a classifier tells the sets apart.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("generated", metavar="GENERATED", help="a folder of score files, a file, or CORPUS:SPLIT")
    p.add_argument("--reference", required=True, metavar="REFERENCE",
                   help="a folder of score files, a file, or a prepared corpus split such as chorales:valid")
    p.add_argument("--out", metavar="DIR", help="write report.md, summary.json and plots/ into DIR")
    p.set_defaults(func=run)


def run(args) -> int:
    from tunesmith.evaluation.compare import compare
    from tunesmith.evaluation.report import load_set, summary_text, write_report

    comparison = compare(load_set(args.generated), load_set(args.reference))
    print(summary_text(comparison))
    if args.out:
        path = write_report(comparison, args.out, args.generated, args.reference)
        print(f"\nreport: {path}")
    return 0
