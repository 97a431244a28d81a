"""Latent spaces to move through (a VAE's): interpolation between pieces, variations near a piece, samples from
the prior and attribute vectors. `space` holds the model side, `jobs` the file-writing jobs; no heavy import
here."""
