"""Recommendations: pieces to hear (built-in corpus pieces and the user's own) and settings to try, from
likes, ratings, plays and kept pieces; content-based (musical features and a model embedding), tag-based,
collaborative, with a cold-start answer, each explained in words.

    features  a piece's content vector and tags          catalog  the corpus pieces, built once, cached
    embed     a Transformer's mean hidden state          model    the hybrid recommender (`Recommender`)
    settings  compose settings to try                    explain  the words of the reasons
    simulate  the offline evaluation with simulated listeners (bench/recommend.py)

Layering: beside `jobs`, above `evaluation` and `library`; the web layer gathers the signals from the library
and calls this package.
"""

from tunesmith.recommend.model import Item, Recommender, Weights, preference

__all__ = ["Item", "Recommender", "Weights", "preference"]
