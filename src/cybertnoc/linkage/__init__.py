"""Record linkage: normalisation, keyed Bloom-filter encodings, entity resolution, PPRL.

See ``docs/linkage.md``.
"""
