"""Keras vocabulary: the one place that says what Keras names are.

- :mod:`~kgraphlint.vocab.families`: the package prefixes that are Keras
  (``keras``, ``tensorflow.keras`` / ``tf.keras``, ``tf_keras``,
  ``tensorflow.python.keras``), which Keras each is, and the canonical name of
  a Keras path whichever family reaches it;
- :mod:`~kgraphlint.vocab.methods`: the model methods that train, evaluate
  and predict, and the Keras 2 ones Keras 3 removed;
- :mod:`~kgraphlint.vocab.public_api`: Keras 3's public API as data (every
  public module and its names, renames, constructor keyword arguments),
  generated from an installed Keras by :mod:`~kgraphlint.vocab.generate`
  into :mod:`~kgraphlint.vocab.keras_api` and loaded on first use;
- :mod:`~kgraphlint.vocab.replacements`: hand-written hints for the removed
  names and arguments that have a known Keras 3 replacement.

Nothing here imports Keras except the generator.
"""
